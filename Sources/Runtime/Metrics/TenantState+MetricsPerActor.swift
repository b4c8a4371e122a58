/// Two-step aggregates (`metrics/events/per-actor`): per bucket, one value per user (their count
/// of the events named `event`, or the sum of `property`'s numbers on them), then one value
/// across those users.
extension TenantState {
    /// Users count in a bucket when they have a value there: an event, or with `property` an
    /// event carrying a number for it. A breakdown splits each user's events by value, and ranks
    /// values by the aggregate over the whole range (each user's value over all buckets).
    /// - Returns: a series per kept value; empty buckets are nil (0 for `sum`).
    /// One scan, O(events), a value per user, bucket and breakdown value.
    public func metricsPerActorSeries(_ query: MetricsQuery, event: String, property: String?, metric: MetricsActorAggregate) -> [MetricsSeries] {
        let width = query.window.buckets.count
        var matcher = EventMatcher(query.restricted(toEvent: event).conditions, in: self)
        var dimension = query.breakdown.map { EventDimension($0, in: self) }
        var number = property.map { EventNumber(key: $0, in: self) }
        typealias Line = [[UInt32: Double]]   // per bucket, per user
        var lines: [UInt32: Line] = [:]
        // Without a breakdown, each bucket's table is sized up front from the day indexes' users
        // of the event (an upper bound under conditions), so it never grows while counting.
        if query.breakdown == nil, let type = eventTypeIndex(event) {
            lines[0] = query.window.buckets.map { bucket in
                var sized: [UInt32: Double] = [:]
                var users = 0
                var day = bucket.days.first
                while day <= bucket.days.last { users += days[day]?.users(ofType: type)?.count ?? 0; day += 1 }
                sized.reserveCapacity(users)
                return sized
            }
        }
        forEachMetricsEvent(in: query.window, matching: &matcher) { event in
            var amount = 1.0
            if number != nil {
                guard let x = number?.value(set: event.set, in: self) else { return }
                amount = x
            }
            let value = dimension?.value(type: event.type, page: event.page, user: event.user, set: event.set, in: self) ?? 0
            lines[value, default: Line(repeating: [:], count: width)][event.bucket][event.user, default: 0] += amount
        }
        func merged(_ perUser: some Sequence<[UInt32: Double]>) -> [UInt32: Double] {
            perUser.reduce(into: [:]) { all, one in all.merge(one, uniquingKeysWith: +) }
        }
        return rankedSeries(lines, query, empty: { Line(repeating: [:], count: width) },
                            merge: { rest in (0..<width).map { i in merged(rest.map { $0[i] }) } },
                            render: { line in
                                // The total over the range only ranks breakdown values.
                                (line.map { metric.value(of: Array($0.values)) },
                                 query.breakdown == nil ? 0 : metric.value(of: Array(merged(line).values)) ?? 0)
                            })
    }
}
