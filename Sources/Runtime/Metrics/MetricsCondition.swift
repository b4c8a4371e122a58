/// A test on one field of an event. Comparisons are numeric when both sides read as numbers,
/// text otherwise; a missing field fails every operator but `neq`, `not_contains`, `not_in` and
/// `is_not_set`.
public struct MetricsCondition: Sendable, Equatable {
    public enum Operator: String, Sendable, CaseIterable {
        case eq, neq, gt, gte, lt, lte, contains, notContains = "not_contains", `in`, notIn = "not_in"
        case isSet = "is_set", isNotSet = "is_not_set"

        /// Whether the operator compares against values (all but the presence tests).
        public var takesValue: Bool { self != .isSet && self != .isNotSet }
    }

    public var field: EventField
    public var op: Operator
    /// The value; for `in` and `not_in`, any of several.
    public var values: [String]

    public init(field: EventField, op: Operator, values: [String]) {
        self.field = field; self.op = op; self.values = values
    }

    public func holds(_ actual: String?) -> Bool {
        guard let actual else { return op == .neq || op == .notContains || op == .notIn || op == .isNotSet }
        switch op {
        case .isSet: return true
        case .isNotSet: return false
        case .eq: return actual == values.first
        case .neq: return actual != values.first
        case .in: return values.contains(actual)
        case .notIn: return !values.contains(actual)
        case .contains: return values.first.map { actual.contains($0) } ?? false
        case .notContains: return !(values.first.map { actual.contains($0) } ?? false)
        case .gt, .gte, .lt, .lte:
            guard let wanted = values.first else { return false }
            return ValueOrder.satisfies(ValueOrder.compare(actual, wanted), greater: op == .gt || op == .gte, orEqual: op == .gte || op == .lte)
        }
    }
}
