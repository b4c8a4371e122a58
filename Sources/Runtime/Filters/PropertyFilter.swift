/// A test on one property of an event (or of a user or account): `{"property":K,"op":..,"value":..}`.
/// Comparisons are numeric when both sides read as numbers, text otherwise; a missing property
/// passes `neq`, `not_contains`, `not_in` and `is_not_set`, and fails every other op.
public struct PropertyFilter: Sendable, Equatable {
    public enum Op: String, Sendable, CaseIterable {
        case eq, neq, contains, gt, gte, lt, lte, `in`
        case notContains = "not_contains", notIn = "not_in", isSet = "is_set", isNotSet = "is_not_set"

        /// Whether the op compares against values (all but the presence tests).
        public var takesValue: Bool { self != .isSet && self != .isNotSet }
        /// Whether its value is a list.
        public var takesList: Bool { self == .in || self == .notIn }
    }

    public var property: String
    public var op: Op
    /// One value; for `in`, any of several.
    public var values: [String]

    public init(property: String, op: Op, values: [String]) {
        self.property = property; self.op = op; self.values = values
    }

    public func matches(_ actual: String?) -> Bool { Self.holds(op, values, actual) }

    /// Whether `actual` (nil: missing) passes `op` against `values`: the one test every filter
    /// and condition language in Beacon runs.
    public static func holds(_ op: Op, _ values: [String], _ actual: String?) -> Bool {
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

/// Filters on events' property sets, evaluated once per distinct set: events share a few
/// thousand sets, so a scan pays one table lookup per event.
struct PropertySetMatcher {
    private let filters: [(key: UInt32?, filter: PropertyFilter)]
    private var verdicts: [UInt8]   // 0 unknown, 1 no, 2 yes

    init(_ filters: [PropertyFilter], sets: PropertySets) {
        self.filters = filters.map { (sets.keys.lookup($0.property), $0) }
        verdicts = [UInt8](repeating: 0, count: sets.count)
    }

    var isTrivial: Bool { filters.isEmpty }

    @inline(__always)
    mutating func matches(_ set: UInt32, in sets: PropertySets) -> Bool {
        if filters.isEmpty { return true }
        let i = Int(set)
        if i < verdicts.count, verdicts[i] != 0 { return verdicts[i] == 2 }
        let verdict = filters.allSatisfy { key, filter in
            let value = key.flatMap { sets.value(of: $0, in: PropertySetIndex(set)) }.map { sets.values.string($0) }
            return filter.matches(value)
        }
        if i < verdicts.count { verdicts[i] = verdict ? 2 : 1 }
        return verdict
    }
}
