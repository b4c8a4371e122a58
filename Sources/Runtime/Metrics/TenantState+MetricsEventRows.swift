/// Event rows, newest first (`metrics/events/raw`, `metrics/events/top/{name}/raw`).
public struct MetricsEventRow: Sendable, Equatable {
    public var timestampMs: Int64
    public var event: String
    /// The canonical user.
    public var user: String
    public var page: String?
    public var properties: [String: String]

    public init(timestampMs: Int64, event: String, user: String, page: String?, properties: [String: String]) {
        self.timestampMs = timestampMs; self.event = event; self.user = user; self.page = page; self.properties = properties
    }
}

extension TenantState {
    /// The newest `keep` events in `query.window` passing its conditions (of two at the same
    /// instant, the one logged later first), and how many passed in all.
    /// One scan, O(events · log keep); holds at most 2·keep + 1024 candidates at a time.
    public func metricsEventRows(_ query: MetricsQuery, keep: Int) -> (rows: [MetricsEventRow], total: Int) {
        var matcher = EventMatcher(query.conditions, in: self)
        var candidates: [(order: Int, event: MetricsEvent)] = []
        var total = 0
        let newestFirst = { (a: (order: Int, event: MetricsEvent), b: (order: Int, event: MetricsEvent)) in
            (a.event.timestampMs, a.order) > (b.event.timestampMs, b.order)
        }
        forEachMetricsEvent(in: query.window, matching: &matcher) { event in
            total += 1
            guard keep > 0 else { return }
            candidates.append((total, event))
            if candidates.count >= 2 * keep + 1024 {
                candidates.sort(by: newestFirst)
                candidates.removeLast(candidates.count - keep)
            }
        }
        candidates.sort(by: newestFirst)
        return (candidates.prefix(keep).map { _, event in
            MetricsEventRow(timestampMs: event.timestampMs, event: eventTypeNames.string(event.type), user: userNames.string(event.user),
                            page: event.page == PageIndex.none.rawValue ? nil : pageNames.string(event.page),
                            properties: propertySets.decoded(PropertySetIndex(event.set)))
        }, total)
    }
}
