/// Evaluation under the seed's null rules: `&&` and `||` take null as false, `==` and `!=`
/// compare null as an ordinary value, and every other operator gives null when an operand is.
extension PipelineExpression {
    public func evaluate(_ row: PipelineRow, _ environment: inout PipelineEnvironment) throws(PipelineEvaluationError) -> PipelineValue {
        switch self {
        case .literal(let value): return value
        case .field(let path): return row[path: path]
        case .list(let items):
            var values: [PipelineValue] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try item.evaluate(row, &environment)) }
            return .list(values)
        case .unary(let op, let operand):
            let value = try operand.evaluate(row, &environment)
            switch (op, value) {
            case (_, .null): return .null
            case (.not, .bool(let b)): return .bool(!b)
            case (.negate, .number(let n)): return .number(-n)
            default: throw PipelineEvaluationError("'\(op.rawValue)' does not take a \(value.typeName)")
            }
        case .binary(let op, let left, let right):
            return try Self.apply(op, left, right, row, &environment)
        case .call(let function, let arguments):
            return try function.call(arguments, row, &environment)
        case .index(let base, let index):
            let list = try base.evaluate(row, &environment)
            let position = try index.evaluate(row, &environment)
            if list.isNull || position.isNull { return .null }
            guard let items = list.list else { throw PipelineEvaluationError("[] indexes a list, not a \(list.typeName)") }
            guard let i = position.integer else { throw PipelineEvaluationError("a list index must be a whole number") }
            let at = i < 0 ? items.count + i : i
            return items.indices.contains(at) ? items[at] : .null
        case .slice(let base, let start, let end):
            let list = try base.evaluate(row, &environment)
            if list.isNull { return .null }
            guard let items = list.list else { throw PipelineEvaluationError("[a:b] slices a list, not a \(list.typeName)") }
            func bound(_ e: PipelineExpression?, _ fallback: Int) throws(PipelineEvaluationError) -> Int {
                guard let e else { return fallback }
                let v = try e.evaluate(row, &environment)
                guard let i = v.integer else { throw PipelineEvaluationError("a slice bound must be a whole number") }
                return min(max(i < 0 ? items.count + i : i, 0), items.count)
            }
            let a = try bound(start, 0), b = try bound(end, items.count)
            return .list(a < b ? Array(items[a..<b]) : [])
        }
    }

    /// Whether the expression holds for the row: null and false fail (as in `&&`).
    public func holds(_ row: PipelineRow, _ environment: inout PipelineEnvironment) throws(PipelineEvaluationError) -> Bool {
        try Self.truth(evaluate(row, &environment), "filter")
    }

    static func truth(_ value: PipelineValue, _ context: String) throws(PipelineEvaluationError) -> Bool {
        switch value {
        case .null: return false
        case .bool(let b): return b
        case .number(let n): return n != 0
        default: throw PipelineEvaluationError("\(context) takes booleans or numbers, not a \(value.typeName)")
        }
    }

    private static func apply(_ op: BinaryOperator, _ left: PipelineExpression, _ right: PipelineExpression, _ row: PipelineRow,
                              _ environment: inout PipelineEnvironment) throws(PipelineEvaluationError) -> PipelineValue {
        switch op {
        case .and:
            guard try truth(left.evaluate(row, &environment), "&&") else { return .bool(false) }
            return .bool(try truth(right.evaluate(row, &environment), "&&"))
        case .or:
            if try truth(left.evaluate(row, &environment), "||") { return .bool(true) }
            return .bool(try truth(right.evaluate(row, &environment), "||"))
        case .equal: return .bool(try left.evaluate(row, &environment) == right.evaluate(row, &environment))
        case .notEqual: return .bool(try left.evaluate(row, &environment) != right.evaluate(row, &environment))
        default: break
        }
        let a = try left.evaluate(row, &environment), b = try right.evaluate(row, &environment)
        if a.isNull || b.isNull { return .null }
        switch (a, b) {
        case (.number(let x), .number(let y)):
            switch op {
            case .multiply: return finite(x * y)
            case .divide: return y == 0 ? .null : finite(x / y)
            case .remainder: return y == 0 ? .null : finite(x.truncatingRemainder(dividingBy: y))
            case .add: return finite(x + y)
            case .subtract: return finite(x - y)
            case .less: return .bool(x < y)
            case .lessOrEqual: return .bool(x <= y)
            case .greater: return .bool(x > y)
            case .greaterOrEqual: return .bool(x >= y)
            default: break
            }
        case (.string(let x), .string(let y)):
            switch op {
            case .less: return .bool(x < y)
            case .lessOrEqual: return .bool(x <= y)
            case .greater: return .bool(x > y)
            case .greaterOrEqual: return .bool(x >= y)
            default: break
            }
        default: break
        }
        throw PipelineEvaluationError("'\(op.rawValue)' does not take a \(a.typeName) and a \(b.typeName)")
    }

    /// Infinity and NaN have no JSON form: they become null.
    static func finite(_ x: Double) -> PipelineValue { x.isFinite ? .number(x) : .null }
}
