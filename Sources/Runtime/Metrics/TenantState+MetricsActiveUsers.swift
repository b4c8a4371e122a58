/// Active users per bucket (`/metrics/dau|wau|mau`): distinct users of the bucket for DAU, and for
/// WAU and MAU the distinct users of the 7 or 30 days ending with the bucket's last day.
extension TenantState {
    /// The question as a scan must ask it: trailing windows need per-day sets reaching back
    /// `windowDays − 1` days before the range.
    public func activeUsersScanQuery(_ query: MetricsQuery, windowDays: Int) -> MetricsQuery {
        guard windowDays > 1 else { return query }
        let days = query.window.days
        return query.over(MetricsWindow(days: DayRange(first: days.first - DayNumber(windowDays - 1), last: days.last),
                                        granularity: .daily, calendar: calendar))
    }

    /// Whether the day indexes alone answer it (no conditions, no breakdown, whole days).
    public func activeUsersFromIndexes(_ query: MetricsQuery) -> Bool {
        query.conditions.isEmpty && query.breakdown == nil && coversWholeDays(query.window)
    }

    /// The answer from the day indexes; call only when `activeUsersFromIndexes`.
    public func activeUsersSeriesFromIndexes(_ query: MetricsQuery, windowDays: Int) -> [MetricsSeries] {
        let range = query.window.days
        let buckets = query.window.buckets
        let values: [Int]
        let total: Int
        if windowDays == 1 {
            values = query.window.granularity == .daily ? dailyActiveUsers(range) : buckets.map { distinctActiveUsers($0.days) }
            total = distinctActiveUsers(range)
        } else {
            let trailing = trailingActiveUsers(range, window: windowDays)
            values = buckets.map { trailing[Int($0.days.last - range.first)] }
            total = 0   // only breakdowns are ranked
        }
        return [MetricsSeries(dimension: .all, values: values.map(Double.init), total: Double(total))]
    }

    /// The series from the sets a scan of `activeUsersScanQuery` counted.
    public func activeUsersSeries(_ sets: MetricsUserSets, _ query: MetricsQuery, windowDays: Int) -> [MetricsSeries] {
        let buckets = query.window.buckets
        let rangeFirst = query.window.days.first
        // Per value: the count per bucket, and the users over the whole question (for ranking).
        func line(_ perScanBucket: [Bitmap]) -> (values: [Double?], total: Int) {
            if windowDays == 1 {
                return (perScanBucket.map { Double($0.count) }, Bitmap.union(of: perScanBucket).count)
            }
            let trailing = SlidingUnion.counts(perScanBucket, window: windowDays, firstEnd: windowDays - 1)
            let values = buckets.map { Double(trailing[Int($0.days.last - rangeFirst)]) as Double? }
            // Ranked by the users of the days the points cover (each point's window).
            var covered = Set<Int>()
            for bucket in buckets {
                let end = Int(bucket.days.last - rangeFirst) + windowDays - 1
                covered.formUnion((end - windowDays + 1)...end)
            }
            return (values, Bitmap.union(of: covered.sorted().map { perScanBucket[$0] }).count)
        }
        guard let field = query.breakdown else {
            let empty = (0..<sets.width).map { _ in Bitmap() }
            let (values, total) = line(sets.byValue[0] ?? empty)
            return [MetricsSeries(dimension: .all, values: values, total: Double(total))]
        }
        let dimension = EventDimension(field, in: self)
        // Values seen only on lead-in days no point covers have no users to show.
        let ranked = sets.byValue.map { value, row in (name: dimension.name(value, in: self), row: row, line: line(row)) }
            .filter { $0.line.total > 0 }
            .sorted { ($0.line.total, $1.name ?? "") > ($1.line.total, $0.name ?? "") }
        var series = ranked.prefix(query.breakdownLimit).map { entry in
            MetricsSeries(dimension: entry.name.map { .value($0) } ?? .none, values: entry.line.values, total: Double(entry.line.total))
        }
        let rest = ranked.dropFirst(query.breakdownLimit)
        if !rest.isEmpty {
            let united = (0..<sets.width).map { i in Bitmap.union(of: rest.map { $0.row[i] }) }
            let (values, total) = line(united)
            series.append(MetricsSeries(dimension: .other, values: values, total: Double(total)))
        }
        return series
    }
}
