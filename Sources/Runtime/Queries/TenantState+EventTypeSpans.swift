extension TenantState {
    /// An event type's first and last day with events (from the day indexes) and its events then.
    public struct EventTypeSpan: Sendable, Equatable {
        public var name: String
        public var firstDay: DayNumber
        public var lastDay: DayNumber
        public var events: Int
    }

    /// Every event type with events in the day indexes, by name.
    public func eventTypeSpans() -> [EventTypeSpan] {
        guard !days.isEmpty else { return [] }
        var spans: [Int: EventTypeSpan] = [:]
        for d in days.firstDay...days.lastDay {
            guard let index = days[d] else { continue }
            for t in 0..<eventTypeNames.count {
                let n = index.count(ofType: EventTypeIndex(UInt32(t)))
                guard n > 0 else { continue }
                if spans[t] == nil { spans[t] = EventTypeSpan(name: eventTypeNames.string(UInt32(t)), firstDay: d, lastDay: d, events: 0) }
                spans[t]!.lastDay = d; spans[t]!.events += n
            }
        }
        return spans.values.sorted { $0.name < $1.name }
    }
}
