/// Events per bucket (`/metrics/events`): the counting half runs per part of the log and the
/// parts add up; the ranking half names the top values.
extension TenantState {
    /// Events per breakdown value (`EventDimension.none` when absent, 0 without a breakdown) and
    /// bucket, over the chunks numbered `chunks` (all by default).
    public func metricsEventCounts(_ query: MetricsQuery, chunks: Range<Int>? = nil) -> TrendCounts {
        let width = query.window.buckets.count
        var matcher = EventMatcher(query.conditions, in: self)
        var dimension = query.breakdown.map { EventDimension($0, in: self) }
        var table: [UInt32: [Int]] = [:]
        var lastValue = UInt32.max - 1, lastCounts: [Int] = []
        forEachMetricsEvent(in: query.window, matching: &matcher, chunks: chunks) { event in
            let value = dimension?.value(type: event.type, page: event.page, user: event.user, set: event.set, in: self) ?? 0
            // Runs of one value are common (a chunk of one source): keep its row at hand.
            if value != lastValue {
                if lastValue != UInt32.max - 1 { table[lastValue] = lastCounts }
                lastValue = value
                lastCounts = table.removeValue(forKey: value) ?? [Int](repeating: 0, count: width)
            }
            lastCounts[event.bucket] += 1
        }
        if lastValue != UInt32.max - 1 { table[lastValue] = lastCounts }
        var counts = TrendCounts(width: width)
        counts.daily = table
        return counts
    }

    /// The top values of counted parts as series, then other.
    public func metricsCountSeries(_ counts: TrendCounts, _ query: MetricsQuery) -> [MetricsSeries] {
        guard let field = query.breakdown else { return [Self.wholeCountSeries(counts.daily[0], width: counts.width)] }
        let dimension = EventDimension(field, in: self)
        return Self.rankedCountSeries(counts.daily.map { (dimension.name($0.key, in: self), $0.value) }, limit: query.breakdownLimit, width: counts.width)
    }

    /// One line of counts without a breakdown (zeros when nothing was counted).
    static func wholeCountSeries(_ row: [Int]?, width: Int) -> MetricsSeries {
        let values = row ?? [Int](repeating: 0, count: width)
        return MetricsSeries(dimension: .all, values: values.map(Double.init), total: Double(values.reduce(0, +)))
    }

    /// Count rows per breakdown value (nil: records without it) as series: the top `limit` by
    /// total (ties by name), then the rest summed as other.
    static func rankedCountSeries(_ rows: [(name: String?, row: [Int])], limit: Int, width: Int) -> [MetricsSeries] {
        let ranked = rows.map { (name: $0.name, row: $0.row, total: $0.row.reduce(0, +)) }
            .sorted { ($0.total, $1.name ?? "") > ($1.total, $0.name ?? "") }
        var series = ranked.prefix(limit).map { entry in
            MetricsSeries(dimension: entry.name.map { .value($0) } ?? .none, values: entry.row.map(Double.init), total: Double(entry.total))
        }
        let rest = ranked.dropFirst(limit)
        if !rest.isEmpty {
            var row = [Int](repeating: 0, count: width)
            for entry in rest { for i in row.indices { row[i] += entry.row[i] } }
            series.append(MetricsSeries(dimension: .other, values: row.map(Double.init), total: Double(row.reduce(0, +))))
        }
        return series
    }
}
