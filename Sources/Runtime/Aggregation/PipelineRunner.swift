/// Runs parsed stages over rows (docs/pendo.md, "Operators"). Each stage sees only the rows the
/// one before it emitted.
public struct PipelineRunner<Data: PipelineData> {
    let data: Data
    public var environment: PipelineEnvironment
    public var budget: PipelineBudget

    public init(data: Data, environment: PipelineEnvironment, budget: PipelineBudget) {
        self.data = data; self.environment = environment; self.budget = budget
    }

    public mutating func run(_ stages: [PipelineStage]) throws(PipelineError) -> [PipelineRow] {
        try run(stages, input: [], path: [])
    }

    mutating func run(_ stages: [PipelineStage], input: [PipelineRow], path: [Int]) throws(PipelineError) -> [PipelineRow] {
        var rows = input
        var index = 0
        while index < stages.count {
            let at = path + [index]
            budget.stage = at
            if case .source = stages[index], let fused = try data.fused(stages[index...], &budget) {
                rows = fused.rows
                index += fused.consumed
            } else if case .sort(let keys) = stages[index], index + 1 < stages.count, case .limit(let n) = stages[index + 1] {
                rows = Self.sorted(rows, by: keys, limit: n)
                index += 2
            } else {
                rows = try apply(stages[index], to: rows, at: at)
                index += 1
            }
            budget.stage = at
            try budget.check(rows: rows.count)
        }
        return rows
    }

    func failure(_ at: [Int], _ field: String, _ error: PipelineEvaluationError) -> PipelineError {
        PipelineError(stage: at, field: field, error.message)
    }

    mutating func apply(_ stage: PipelineStage, to rows: [PipelineRow], at: [Int]) throws(PipelineError) -> [PipelineRow] {
        switch stage {
        case .source(let source): return try data.rows(source, &budget)
        case .metric(let metric): return rows + (try data.metric(metric, &budget))
        case .limit(let n): return Array(rows.prefix(n))
        case .count: return [["count": PipelineValue(rows.count)]]
        case .filter(let condition):
            var kept: [PipelineRow] = []
            for row in rows {
                try budget.tick()
                do { if try condition.holds(row, &environment) { kept.append(row) } } catch { throw failure(at, "filter", error) }
            }
            return kept
        case .select(let assignments):
            return try rows.map { row throws(PipelineError) in
                try budget.tick()
                var out: PipelineRow = [:]
                for a in assignments { out.set(a.output, try value(a.expression, row, at, "select.\(a.output)")) }
                return out
            }
        case .eval(let assignments):
            return try rows.map { row throws(PipelineError) in
                try budget.tick()
                // Every expression reads the row as it came in: their order is undefined in the seed.
                let values = try assignments.map { a throws(PipelineError) in try value(a.expression, row, at, "eval.\(a.output)") }
                var out = row
                for (a, v) in zip(assignments, values) { out.set(a.output, v) }
                return out
            }
        case .sort(let keys): return Self.sorted(rows, by: keys)
        case .reduce(let aggregates):
            var accumulators = aggregates.map { PipelineAccumulator($0.aggregator) }
            for row in rows {
                try budget.tick()
                for i in accumulators.indices { try accumulators[i].add(row, &environment, at, aggregates[i].output) }
            }
            var out: PipelineRow = [:]
            for (a, acc) in zip(aggregates, accumulators) { out.set(a.output, acc.result) }
            return [out]
        case .group(let keys, let fields): return try group(rows, keys: keys, fields: fields, at: at)
        case .identified(let field, let keep):
            return rows.filter { row in
                guard let id = Self.idText(row[path: field]) else { return false }
                return environment.isIdentified(id) == keep
            }
        case .bulkExpand(let lookups), .expand(let lookups): return try expand(rows, lookups)
        case .itemSeen(let output, let item, let id):
            var cache: [String: PipelineValue] = [:]
            return try rows.map { row throws(PipelineError) in
                try budget.tick()
                var out = row
                guard let visitor = Self.idText(row["visitorId"] ?? .null) else { out.set(output, .null); return out }
                if cache[visitor] == nil { cache[visitor] = data.itemUse(visitor: visitor, item: item, id: id) }
                out.set(output, cache[visitor]!)
                return out
            }
        case .segment(let id):
            guard let isMember = data.segmentMembership(id) else {
                throw PipelineError(.notFound, stage: at, field: "segment.id", "no segment \(id)")
            }
            return rows.filter { row in Self.idText(row["visitorId"] ?? .null).map(isMember) ?? false }
        case .useragent(let mappings):
            return rows.map { row in
                var out = row
                for m in mappings { out.set(m.output, PipelineUserAgent.parse(row[path: m.input].string ?? "")) }
                return out
            }
        case .unwind(let field, let index, let keepEmpty, let prefix):
            return try unwind(rows, field: field, index: index, keepEmpty: keepEmpty, prefix: prefix)
        case .switch(let rules):
            return rows.compactMap { row in
                var out = row
                for rule in rules {
                    let input = row[path: rule.input]
                    guard !input.isNull, let hit = rule.cases.first(where: { $0.conditions.allSatisfy { Self.meets(input, $0) } }) else { return nil }
                    out.set(rule.output, hit.value)
                }
                return out
            }
        case .fork(let branches):
            var out: [PipelineRow] = []
            for branch in branches {
                out += try run(branch, input: rows, path: at)
                try budget.check(rows: out.count)
            }
            return out
        case .spawn(let pipelines):
            var out = rows
            for pipeline in pipelines {
                out += try run(pipeline, input: [], path: at)
                try budget.check(rows: out.count)
            }
            return out
        case .join(let fields, let width): return Self.join(rows, on: fields, width: width)
        case .merge(let fields, let mappings, let pipeline):
            let inner = try run(pipeline, input: [], path: at)
            budget.stage = at
            return Self.merge(rows, with: inner, on: fields, mappings: mappings)
        }
    }

    mutating func value(_ expression: PipelineExpression, _ row: PipelineRow, _ at: [Int], _ field: String) throws(PipelineError) -> PipelineValue {
        do { return try expression.evaluate(row, &environment) } catch { throw failure(at, field, error) }
    }

    /// An id field's text: strings as they are, whole numbers in decimal.
    static func idText(_ value: PipelineValue) -> String? {
        if let s = value.string { return s }
        return value.integer.map(String.init)
    }

    static func meets(_ input: PipelineValue, _ condition: PipelineStage.SwitchRule.Condition) -> Bool {
        switch condition.op {
        case .equal: return input == condition.operand
        case .notEqual: return input != condition.operand
        default:
            // Ordering compares like with like: a number with a number, a string with a string.
            guard PipelineOrder.rank(input) == PipelineOrder.rank(condition.operand), input.number != nil || input.string != nil else { return false }
            let c = PipelineOrder.compare(input, condition.operand)
            switch condition.op {
            case .less: return c < 0
            case .lessOrEqual: return c <= 0
            case .greater: return c > 0
            default: return c >= 0
            }
        }
    }
}
