/// An inclusive range of days in the tenant's time zone.
public struct DayRange: Sendable, Equatable {
    public var first: DayNumber
    public var last: DayNumber

    public init(first: DayNumber, last: DayNumber) { self.first = first; self.last = last }

    /// `days` days ending with `end`.
    public init(days: Int, endingOn end: DayNumber) { self.init(first: end - DayNumber(days) + 1, last: end) }

    public var count: Int { Int(last - first) + 1 }
    public var all: ClosedRange<DayNumber> { first...last }
}
