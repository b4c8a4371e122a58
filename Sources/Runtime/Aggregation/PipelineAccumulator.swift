/// One field aggregator's running state (docs/pendo.md, "Field aggregators"). Nulls are skipped
/// by every aggregator but `list` and row-counting `count`.
struct PipelineAccumulator {
    let aggregator: PipelineAggregator
    private var rows = 0
    private var distinct: Set<PipelineValue> = []
    private var total = 0.0
    private var numbers: [Double] = []
    private var best: PipelineValue = .null
    private var values: [PipelineValue] = []

    init(_ aggregator: PipelineAggregator) { self.aggregator = aggregator }

    mutating func add(_ row: PipelineRow, _ environment: inout PipelineEnvironment, _ at: [Int], _ output: FieldPath) throws(PipelineError) {
        func value(_ e: PipelineExpression) throws(PipelineError) -> PipelineValue {
            do { return try e.evaluate(row, &environment) } catch { throw PipelineError(stage: at, field: output.description, error.message) }
        }
        func number(_ e: PipelineExpression, _ name: String) throws(PipelineError) -> Double? {
            let v = try value(e)
            if v.isNull { return nil }
            guard let n = v.number else { throw PipelineError(stage: at, field: output.description, "\(name) takes numbers, not a \(v.typeName)") }
            return n
        }
        switch aggregator {
        case .count(nil): rows += 1
        case .count(let e?):
            let v = try value(e)
            if !v.isNull { distinct.insert(v) }
        case .countIf(let e, let condition):
            let holds: Bool
            do { holds = try condition.holds(row, &environment) } catch { throw PipelineError(stage: at, field: output.description, error.message) }
            guard holds else { return }
            if let e { let v = try value(e); if !v.isNull { distinct.insert(v) } } else { rows += 1 }
        case .sum(let e): if let n = try number(e, "sum") { total += n }
        case .avg(let e), .mean(let e): if let n = try number(e, "avg") { total += n; rows += 1 }
        case .median(let e): if let n = try number(e, "median") { numbers.append(n) }
        case .min(let e):
            let v = try value(e)
            if !v.isNull, best.isNull || PipelineOrder.compare(v, best) < 0 { best = v }
        case .max(let e):
            let v = try value(e)
            if !v.isNull, best.isNull || PipelineOrder.compare(v, best) > 0 { best = v }
        case .first(let e):
            if best.isNull { best = try value(e) }
        case .list(let e): values.append(try value(e))
        }
    }

    var result: PipelineValue {
        switch aggregator {
        case .count(nil): return PipelineValue(rows)
        case .count: return PipelineValue(distinct.count)
        case .countIf(let e, _): return PipelineValue(e == nil ? rows : distinct.count)
        case .sum: return .number(total)
        case .avg, .mean: return rows == 0 ? .null : .number(total / Double(rows))
        case .median:
            guard !numbers.isEmpty else { return .null }
            let sorted = numbers.sorted()
            let mid = sorted.count / 2
            return .number(sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2)
        case .min, .max, .first: return best
        case .list: return .list(values)
        }
    }
}
