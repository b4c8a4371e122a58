/// Per breakdown value (0 without one) and bucket, the users with a counted event: the
/// counting half of an active-user series. Parts of the log are counted apart and united.
public struct MetricsUserSets: Sendable {
    public var width: Int
    public var byValue: [UInt32: [Bitmap]] = [:]

    public init(width: Int) { self.width = width }

    public mutating func add(_ other: MetricsUserSets) {
        for (value, sets) in other.byValue {
            if var mine = byValue.removeValue(forKey: value) {
                for i in mine.indices { mine[i] = mine[i].union(sets[i]) }
                byValue[value] = mine
            } else {
                byValue[value] = sets
            }
        }
    }
}

extension TenantState {
    /// Users per breakdown value and bucket of `query.window`, over the chunks numbered `chunks`.
    public func metricsUserSets(_ query: MetricsQuery, chunks: Range<Int>? = nil) -> MetricsUserSets {
        let width = query.window.buckets.count
        var matcher = EventMatcher(query.conditions, in: self)
        var dimension = query.breakdown.map { EventDimension($0, in: self) }
        var sets = MetricsUserSets(width: width)
        var lastValue = UInt32.max - 1, lastSets: [Bitmap] = []
        forEachMetricsEvent(in: query.window, matching: &matcher, chunks: chunks) { event in
            let value = dimension?.value(type: event.type, page: event.page, user: event.user, set: event.set, in: self) ?? 0
            if value != lastValue {
                if lastValue != UInt32.max - 1 { sets.byValue[lastValue] = lastSets }
                lastValue = value
                lastSets = sets.byValue.removeValue(forKey: value) ?? (0..<width).map { _ in Bitmap() }
            }
            lastSets[event.bucket].insert(event.user)
        }
        if lastValue != UInt32.max - 1 { sets.byValue[lastValue] = lastSets }
        return sets
    }
}
