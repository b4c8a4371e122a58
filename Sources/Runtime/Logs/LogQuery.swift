/// What a log condition or breakdown reads off a record.
public enum LogField: Sendable, Hashable {
    case level, service, source, message
    case attribute(String)

    /// `level`, `service`, `source`, `message` or `attributes.KEY`; anything else is nil.
    public init?(_ text: String) {
        switch text {
        case "level": self = .level
        case "service": self = .service
        case "source": self = .source
        case "message": self = .message
        default:
            guard text.hasPrefix("attributes."), text.count > "attributes.".count else { return nil }
            self = .attribute(String(text.dropFirst("attributes.".count)))
        }
    }

    public var name: String {
        switch self {
        case .level: "level"
        case .service: "service"
        case .source: "source"
        case .message: "message"
        case .attribute(let key): "attributes.\(key)"
        }
    }
}

/// A test on one field of a log record, with the operators (and the missing-field rules) of
/// event conditions.
public struct LogCondition: Sendable, Equatable {
    public var field: LogField
    public var op: PropertyFilter.Op
    public var values: [String]

    public init(field: LogField, op: PropertyFilter.Op, values: [String]) { self.field = field; self.op = op; self.values = values }

    public func holds(_ actual: String?) -> Bool { PropertyFilter.holds(op, values, actual) }

    /// Whether a record of `level` passes. Values naming a level are read as `LogLevel` reads
    /// them (any case, `warning` for `warn`): `eq`, `neq`, `in` and `not_in` compare levels, and
    /// `gt`, `gte`, `lt` and `lte` compare severity (`level gte warn` is warn, error and fatal).
    /// Any other test, or a value naming no level, is on the name.
    public func holds(level: LogLevel) -> Bool {
        let named = values.compactMap(LogLevel.init(name:))
        if !values.isEmpty, named.count == values.count {
            switch op {
            case .gt: return level > named[0]
            case .gte: return level >= named[0]
            case .lt: return level < named[0]
            case .lte: return level <= named[0]
            case .eq: return level == named[0]
            case .neq: return level != named[0]
            case .in: return named.contains(level)
            case .notIn: return !named.contains(level)
            default: break
            }
        }
        return holds(level.name)
    }
}

/// A log series question: a window, conditions every counted record passes, and an optional
/// breakdown (the top `breakdownLimit` values by count over the range, the rest as other).
public struct LogQuery: Sendable, Equatable {
    public var window: MetricsWindow
    public var conditions: [LogCondition]
    public var breakdown: LogField?
    public var breakdownLimit: Int

    public init(window: MetricsWindow, conditions: [LogCondition] = [], breakdown: LogField? = nil, breakdownLimit: Int = 10) {
        self.window = window; self.conditions = conditions; self.breakdown = breakdown; self.breakdownLimit = breakdownLimit
    }

    /// The same question over another window (`compare`).
    public func over(_ window: MetricsWindow) -> LogQuery {
        var copy = self
        copy.window = window
        return copy
    }
}
