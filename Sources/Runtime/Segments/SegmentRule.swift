/// A segment's rule tree, as documented in docs/segments.md. Event types are kept by name, so a
/// rule may name an event that has not happened yet (it then matches no one, or everyone for
/// `did_not_event`).
public indirect enum SegmentRule: Sendable, Equatable {
    /// Did `event` (passing `filters`) in the last `withinDays` days (nil: ever).
    case didEvent(event: String, withinDays: Int?, filters: [PropertyFilter])
    case didNotEvent(event: String, withinDays: Int?)
    /// Did `event` a number of times that compares to `value` (zero counts too).
    case eventCount(event: String, comparison: CountComparison, value: Int, withinDays: Int?)
    /// The value set through the users API, else the latest value among the user's events.
    case userProperty(PropertyFilter)
    /// A property set through the accounts API on any account the user belongs to.
    case accountProperty(PropertyFilter)
    /// First event in the last `withinDays` days.
    case firstSeen(withinDays: Int)
    /// No event in the last `beforeDays` days.
    case lastSeen(beforeDays: Int)
    case inSegment(id: Int)
    /// Users listed by id: a visitor list uploaded through the Pendo-compatible API. An id
    /// without events matches no one until its first event arrives.
    case visitorList(Set<String>)
    case all([SegmentRule])
    case any([SegmentRule])
    case not(SegmentRule)

    public enum CountComparison: String, Sendable, CaseIterable {
        case gte = ">=", gt = ">", lte = "<=", lt = "<", eq = "=", neq = "!="

        /// The comparison named as in `PropertyFilter` (`gte`, …) or by its symbol.
        public init?(name: String) {
            switch name {
            case "gte": self = .gte
            case "gt": self = .gt
            case "lte": self = .lte
            case "lt": self = .lt
            case "eq": self = .eq
            case "neq": self = .neq
            default: self.init(rawValue: name)
            }
        }

        public func holds(_ count: Int, _ value: Int) -> Bool {
            switch self {
            case .gte: count >= value
            case .gt: count > value
            case .lte: count <= value
            case .lt: count < value
            case .eq: count == value
            case .neq: count != value
            }
        }
    }

    /// Segments this rule reads.
    public var segmentReferences: [Int] {
        switch self {
        case .inSegment(let id): [id]
        case .all(let rules), .any(let rules): rules.flatMap(\.segmentReferences)
        case .not(let rule): rule.segmentReferences
        default: []
        }
    }

    /// Event types whose events can change whether a user matches.
    public var eventNames: Set<String> {
        switch self {
        case .didEvent(let event, _, _), .didNotEvent(let event, _), .eventCount(let event, _, _, _): [event]
        case .all(let rules), .any(let rules): rules.reduce(into: []) { $0.formUnion($1.eventNames) }
        case .not(let rule): rule.eventNames
        default: []
        }
    }

    /// Whether any event at all can change the answer (first or last seen, or user properties,
    /// which follow the latest event).
    public var readsEveryEvent: Bool {
        switch self {
        case .firstSeen, .lastSeen, .userProperty, .visitorList: true
        case .all(let rules), .any(let rules): rules.contains(where: \.readsEveryEvent)
        case .not(let rule): rule.readsEveryEvent
        default: false
        }
    }
}
