/// The metrics API's audience definition: conditions on users' properties, events they did (a
/// number of times), and a default look-back. It compiles to segment rules, all of which must hold,
/// so an audience is a segment like any other (docs/metrics-api.md, Audiences).
public struct AudienceDefinition: Sendable, Equatable {
    /// A condition on a user property; `negated` turns `contains`/`in` into `not_contains`/`not_in`.
    public struct Filter: Sendable, Equatable {
        public var filter: PropertyFilter
        public var negated: Bool
        public init(_ filter: PropertyFilter, negated: Bool = false) { self.filter = filter; self.negated = negated }
    }

    /// Did `event` (at all, or a number of times) within `withinDays` days, or the definition's look-back.
    public struct Event: Sendable, Equatable {
        public var event: String
        public var count: (comparison: SegmentRule.CountComparison, value: Int)?
        public var withinDays: Int?

        public init(event: String, count: (comparison: SegmentRule.CountComparison, value: Int)? = nil, withinDays: Int? = nil) {
            self.event = event; self.count = count; self.withinDays = withinDays
        }

        public static func == (a: Event, b: Event) -> Bool {
            a.event == b.event && a.withinDays == b.withinDays && a.count?.comparison == b.count?.comparison && a.count?.value == b.count?.value
        }
    }

    public var filters: [Filter]
    public var events: [Event]
    /// The window of an event that names none; nil: ever.
    public var lookbackDays: Int?

    public init(filters: [Filter] = [], events: [Event] = [], lookbackDays: Int? = nil) {
        self.filters = filters; self.events = events; self.lookbackDays = lookbackDays
    }

    /// The segment rules, one per filter and event, in that order.
    public var rules: [SegmentRule] {
        filters.map { $0.negated ? .not(.userProperty($0.filter)) : .userProperty($0.filter) } + events.map { e in
            let within = e.withinDays ?? lookbackDays
            guard let count = e.count else { return .didEvent(event: e.event, withinDays: within, filters: []) }
            return .eventCount(event: e.event, comparison: count.comparison, value: count.value, withinDays: within)
        }
    }

    /// The definition rules read as, when they have the shape `rules` makes (user-property conditions
    /// and did-event or event-count rules without event filters); nil for any other segment. Each
    /// event then carries its own window and `lookbackDays` is nil.
    public init?(rules: [SegmentRule]) {
        var filters: [Filter] = [], events: [Event] = []
        for rule in rules {
            switch rule {
            case .userProperty(let filter):
                filters.append(Filter(filter))
            case .not(.userProperty(let filter)) where filter.op == .contains || filter.op == .in:
                filters.append(Filter(filter, negated: true))
            case .didEvent(let event, let within, let eventFilters) where eventFilters.isEmpty:
                events.append(Event(event: event, withinDays: within))
            case .eventCount(let event, let comparison, let value, let within):
                events.append(Event(event: event, count: (comparison, value), withinDays: within))
            default:
                return nil
            }
        }
        self.init(filters: filters, events: events)
    }
}
