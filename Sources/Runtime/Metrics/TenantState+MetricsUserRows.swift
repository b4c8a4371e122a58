/// The users behind one point of an active-user series (`metrics/dau|wau|mau/raw`).
public struct MetricsUserRow: Sendable, Equatable {
    /// The canonical user (merged identities answer as the one they joined).
    public var user: String
    /// Their events in the point's span passing the conditions.
    public var events: Int
    /// The first and last of those events.
    public var firstSeenMs: Int64
    public var lastSeenMs: Int64

    public init(user: String, events: Int, firstSeenMs: Int64, lastSeenMs: Int64) {
        self.user = user; self.events = events; self.firstSeenMs = firstSeenMs; self.lastSeenMs = lastSeenMs
    }
}

extension TenantState {
    /// The instants a point of an active-user series covers: the bucket itself (`windowDays` 1),
    /// else the `windowDays` tenant days ending with the bucket's last day.
    public func activeUsersSpan(of bucket: MetricsBucket, windowDays: Int) -> MetricsWindow {
        guard windowDays > 1 else { return MetricsWindow(spanning: bucket.startMs, bucket.endMs, calendar: calendar) }
        return MetricsWindow(spanning: calendar.startMs(of: bucket.days.last - DayNumber(windowDays - 1)), calendar.startMs(of: bucket.days.last + 1),
                             calendar: calendar)
    }

    /// Every user with an event in `query.window` passing its conditions, most events first
    /// (ties by user id). One scan: O(events), a row per user.
    public func metricsUserRows(_ query: MetricsQuery) -> [MetricsUserRow] {
        var matcher = EventMatcher(query.conditions, in: self)
        var rows: [UInt32: (events: Int, first: Int64, last: Int64)] = [:]
        forEachMetricsEvent(in: query.window, matching: &matcher) { event in
            if let known = rows[event.user] {
                rows[event.user] = (known.events + 1, min(known.first, event.timestampMs), max(known.last, event.timestampMs))
            } else {
                rows[event.user] = (1, event.timestampMs, event.timestampMs)
            }
        }
        return rows.map { user, row in MetricsUserRow(user: userNames.string(user), events: row.events, firstSeenMs: row.first, lastSeenMs: row.last) }
            .sorted { ($0.events, $1.user) > ($1.events, $0.user) }
    }
}
