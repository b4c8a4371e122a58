/// The values of one field over a range, ranked by events (`metrics/events/top` ranks event
/// names, `metrics/events/properties` the values of a property on one event).
public struct MetricsValueCount: Sendable, Equatable {
    /// nil: events without the field.
    public var value: String?
    public var count: Int
    /// Distinct (canonical) users among those events.
    public var users: Int

    public init(value: String?, count: Int, users: Int) {
        self.value = value; self.count = count; self.users = users
    }
}

extension TenantState {
    public struct MetricsValueCounts: Sendable, Equatable {
        /// Most events first, ties by value.
        public var rows: [MetricsValueCount]
        /// The values past `keep`, as one (`value` nil); nil when there are none.
        public var other: MetricsValueCount?
        /// How many values there were.
        public var distinct: Int
    }

    /// Events and users per value of `field` among the events in `query.window` passing its
    /// conditions (breakdown ignored).
    /// - Parameter keep: how many values to list; the rest go to `other`. All when nil.
    /// One scan: O(events), a count and a user bitmap per value.
    public func metricsValueCounts(_ query: MetricsQuery, field: EventField, keep: Int? = nil) -> MetricsValueCounts {
        var matcher = EventMatcher(query.conditions, in: self)
        var dimension = EventDimension(field, in: self)
        var table: [UInt32: (count: Int, users: Bitmap)] = [:]
        forEachMetricsEvent(in: query.window, matching: &matcher) { event in
            let value = dimension.value(type: event.type, page: event.page, user: event.user, set: event.set, in: self)
            table[value, default: (0, Bitmap())].count += 1
            table[value, default: (0, Bitmap())].users.insert(event.user)
        }
        let ranked = table.map { value, entry in (name: dimension.name(value, in: self), count: entry.count, users: entry.users) }
            .sorted { ($0.count, $1.name ?? "") > ($1.count, $0.name ?? "") }
        let kept = keep.map { ranked.prefix($0) } ?? ranked[...]
        let rest = ranked.dropFirst(kept.count)
        return MetricsValueCounts(
            rows: kept.map { MetricsValueCount(value: $0.name, count: $0.count, users: $0.users.count) },
            other: rest.isEmpty ? nil : MetricsValueCount(value: nil, count: rest.reduce(0) { $0 + $1.count }, users: Bitmap.union(of: rest.map(\.users)).count),
            distinct: ranked.count)
    }
}
