/// The seed's general, string, list, date and Pendo-specific functions.
extension PipelineFunction {
    func call(_ arguments: [PipelineExpression], _ row: PipelineRow, _ environment: inout PipelineEnvironment) throws(PipelineEvaluationError) -> PipelineValue {
        if self == .if {
            let condition = try PipelineExpression.truth(arguments[0].evaluate(row, &environment), "if")
            if condition { return try arguments[1].evaluate(row, &environment) }
            return arguments.count > 2 ? try arguments[2].evaluate(row, &environment) : .null
        }
        var values: [PipelineValue] = []
        values.reserveCapacity(arguments.count)
        for argument in arguments { values.append(try argument.evaluate(row, &environment)) }
        return try apply(values, &environment)
    }

    private func fail(_ message: String) -> PipelineEvaluationError { PipelineEvaluationError("\(rawValue): \(message)") }

    func apply(_ values: [PipelineValue], _ environment: inout PipelineEnvironment) throws(PipelineEvaluationError) -> PipelineValue {
        let first = values.first ?? .null
        switch self {
        case .if: return .null   // handled in call, lazily
        case .isBoolean: return .bool(first.bool != nil)
        case .isNumber: return .bool(first.number != nil)
        case .isString: return .bool(first.string != nil)
        case .isList: return .bool(first.list != nil)
        case .isNil, .isNull: return .bool(first.isNull)
        case .isEmpty: return .bool(first.isNull || first.string == "" || first.list?.isEmpty == true)
        case .contains:
            switch (first, values[1]) {
            case (.null, _), (_, .null): return .null
            case (.string(let haystack), .string(let needle)): return .bool(needle.isEmpty || haystack.contains(needle))
            case (.list(let items), let item): return .bool(items.contains(item))
            default: throw fail("takes a string and a string, or a list and an item")
            }
        case .split:
            guard let text = first.string, let separator = values[1].string else { return try nullOr("takes two strings", values) }
            guard !separator.isEmpty else { return .list(text.map { .string(String($0)) }) }
            return .list(text.split(separator: separator, omittingEmptySubsequences: false).map { .string(String($0)) })
        case .startsWith:
            guard let text = first.string, let prefix = values[1].string else { return try nullOr("takes two strings", values) }
            return .bool(text.hasPrefix(prefix))
        case .toLowerCase:
            guard let text = first.string else { return try nullOr("takes a string", values) }
            return .string(text.lowercased())
        case .toString:
            switch first {
            case .null: return .null
            case .string: return first
            case .bool(let b): return .string(b ? "true" : "false")
            case .number(let n): return .string(Self.text(n))
            default: throw fail("takes a number, a string or a bool")
            }
        case .len:
            switch first {
            case .null: return .null
            case .list(let items): return PipelineValue(items.count)
            case .string(let text): return PipelineValue(text.count)
            default: throw fail("takes a list or a string")
            }
        case .list: return .list(values)
        case .listInRange:
            guard let items = first.list, let low = values[1].number, let high = values[2].number else { return try nullOr("takes a list and two numbers", values) }
            return .list(items.filter { $0.number.map { $0 >= low && $0 <= high } ?? false })
        case .reverse:
            guard let items = first.list else { return try nullOr("takes a list", values) }
            return .list(items.reversed())
        case .sortUnique:
            guard let items = first.list else { return try nullOr("takes a list", values) }
            return .list(Array(Set(items)).sorted(by: PipelineOrder.ascending))
        case .sum:
            guard let items = first.list else { return try nullOr("takes a list", values) }
            return PipelineExpression.finite(items.reduce(0) { $0 + ($1.number ?? 0) })
        case .now: return PipelineValue(environment.nowMs)
        case .date: return try PipelineDates.date(values, &environment.calendar)
        case .startOfPeriod:
            guard let name = first.string, let ms = values[1].number else { return try nullOr("takes a period name and a time", values) }
            guard let period = PipelinePeriod(name: name) else { throw fail("'\(name)' is not a period (hourly, daily, weekly, monthly or hourRange, dayRange, weekRange, monthRange)") }
            return PipelineValue(period.start(of: try PipelineDates.checkedTime(ms), &environment.calendar))
        case .dateAdd:
            guard let ms = first.number, let n = values[1].integer, let unit = values[2].string else { return try nullOr("takes a time, a whole number and a unit", values) }
            return PipelineValue(try PipelineDates.add(try PipelineDates.checkedTime(ms), n, unit, &environment.calendar))
        case .identified:
            // An id is text or a number; a bool, list or object is no one's id.
            guard let id = first.string else { return .bool(first.number.map { environment.isIdentified(Self.text($0)) } ?? false) }
            return .bool(environment.isIdentified(id))
        case .childAccountId: return .null   // Beacon has no parent accounts: no account is a child
        case .parentAccountId: return first
        case .expandAppIds:
            // Beacon's apps are web apps: `*` and `web` match them all, the other platforms none.
            guard let filter = first.string else { throw fail("expandAppIds takes a filter such as \"*\" or \"web|mobile\"") }
            let platforms = filter.split(separator: "|").map(String.init)
            guard platforms.allSatisfy(["*", "web", "extension", "mobile", "ios", "android"].contains) else {
                throw fail("expandAppIds: '\(filter)' is not *, web, extension, mobile, ios or android (joined with |)")
            }
            return .list(platforms.contains("*") || platforms.contains("web") ? environment.apps.map { PipelineValue($0) } : [])
        }
    }

    /// Null in, null out; anything else of the wrong type is an error.
    private func nullOr(_ message: String, _ values: [PipelineValue]) throws(PipelineEvaluationError) -> PipelineValue {
        if values.contains(where: \.isNull) { return .null }
        throw fail(message)
    }

    /// A number as text: whole numbers without a fraction.
    static func text(_ n: Double) -> String { PipelineValue.number(n).integer.map(String.init) ?? "\(n)" }
}
