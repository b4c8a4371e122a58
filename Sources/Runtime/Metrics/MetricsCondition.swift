/// A test on one field of an event. Comparisons are numeric when both sides read as numbers,
/// text otherwise; a missing field fails every operator but `neq`, `not_contains`, `not_in` and
/// `is_not_set`.
public struct MetricsCondition: Sendable, Equatable {
    /// The operators of property filters, so both languages test alike.
    public typealias Operator = PropertyFilter.Op

    public var field: EventField
    public var op: Operator
    /// The value; for `in` and `not_in`, any of several.
    public var values: [String]

    public init(field: EventField, op: Operator, values: [String]) {
        self.field = field; self.op = op; self.values = values
    }

    public func holds(_ actual: String?) -> Bool { PropertyFilter.holds(op, values, actual) }
}
