/// An aggregate over a numeric property per bucket (`metrics/events/custom`): sum, average,
/// least, greatest or count of the numbers `property` carries on the events named `event`.
extension TenantState {
    /// Events without a number for `property` (absent, or text that is not a number) are skipped.
    /// A breakdown ranks values by the aggregate over the whole range.
    /// - Returns: a series per kept value; empty buckets are nil (0 for `sum` and `count`).
    /// One scan of the window's chunks: O(events), a summary per value and bucket.
    public func metricsCustomSeries(_ query: MetricsQuery, event: String, property: String, metric: MetricsAggregate) -> [MetricsSeries] {
        let width = query.window.buckets.count
        var matcher = EventMatcher(query.restricted(toEvent: event).conditions, in: self)
        var dimension = query.breakdown.map { EventDimension($0, in: self) }
        var number = EventNumber(key: property, in: self)
        var lines: [UInt32: [NumberSummary]] = [:]
        forEachMetricsEvent(in: query.window, matching: &matcher) { event in
            guard let x = number.value(set: event.set, in: self) else { return }
            let value = dimension?.value(type: event.type, page: event.page, user: event.user, set: event.set, in: self) ?? 0
            lines[value, default: [NumberSummary](repeating: NumberSummary(), count: width)][event.bucket].add(x)
        }
        return rankedSeries(lines, query, empty: { [NumberSummary](repeating: NumberSummary(), count: width) },
                            merge: { rest in (0..<width).map { i in rest.reduce(into: NumberSummary()) { $0.add($1[i]) } } },
                            render: { line in
                                let whole = line.reduce(into: NumberSummary()) { $0.add($1) }
                                return (line.map { $0.value(metric) }, whole.value(metric) ?? 0)
                            })
    }
}
