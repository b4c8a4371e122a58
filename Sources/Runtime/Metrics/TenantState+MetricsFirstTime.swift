/// First occurrences (`metrics/events/first-time`): per bucket, the users whose first event named
/// `event` falls in it. History is the retained log, or the `lookbackDays` tenant days before the
/// window when given.
extension TenantState {
    /// - Parameters:
    ///   - matchMode: whether the conditions apply while looking for the first event (the first
    ///     that passes); otherwise the first event is found regardless and counted when it passes.
    /// - Returns: users per breakdown value (that first event's) and bucket, for
    ///   `metricsCountSeries`.
    /// One scan of history up to the window's end: O(events of `event`), a first event per user.
    public func metricsFirstTimeCounts(_ query: MetricsQuery, event: String, matchMode: Bool, lookbackDays: Int?) -> TrendCounts {
        let window = query.window
        var counts = TrendCounts(width: window.buckets.count)
        guard !window.buckets.isEmpty else { return counts }
        if let fromIndexes = firstTimeFromDayIndexes(query, event: event, lookbackDays: lookbackDays) { return fromIndexes }
        let historyStart = lookbackDays.map { calendar.startMs(of: window.buckets[0].days.first - DayNumber($0)) } ?? SupportedTime.earliestMs
        let history = MetricsWindow(spanning: min(historyStart, window.startMs), window.endMs, calendar: calendar)
        let named = MetricsQuery(window: window).restricted(toEvent: event).conditions
        var seeker = EventMatcher(matchMode ? named + query.conditions : named, in: self)
        // Each user's first event, in arrays indexed by user (one compare per event, no hashing).
        var firstAt = [Int64](repeating: .max, count: users.count)
        var firstEvents = [MetricsEvent](repeating: MetricsEvent(bucket: 0, timestampMs: 0, user: 0, type: 0, page: 0, set: 0), count: users.count)
        forEachMetricsEvent(in: history, matching: &seeker) { event in
            // Strictly earlier only: of two at the same instant the one logged first stays.
            let u = Int(event.user)
            guard event.timestampMs < firstAt[u] else { return }
            firstAt[u] = event.timestampMs
            firstEvents[u] = event
        }
        let first = firstAt.indices.lazy.filter { firstAt[$0] != .max }.map { firstEvents[$0] }
        var matcher = EventMatcher(matchMode ? [] : query.conditions, in: self)
        var dimension = query.breakdown.map { EventDimension($0, in: self) }
        var hint = 0
        for event in first {
            guard let bucket = window.bucket(of: event.timestampMs, hint: hint) else { continue }
            hint = bucket
            guard matcher.matches(type: event.type, page: event.page, user: event.user, set: event.set, in: self) else { continue }
            let value = dimension?.value(type: event.type, page: event.page, user: event.user, set: event.set, in: self) ?? 0
            counts.daily[value, default: [Int](repeating: 0, count: counts.width)][bucket] += 1
        }
        return counts
    }

    /// Without conditions or breakdown, over whole days, and with nothing evicted (so the day
    /// indexes reach as far back as the log): each day's users of the event less those seen
    /// before, from the per-day, per-type user bitmaps (which hold users after merges).
    func firstTimeFromDayIndexes(_ query: MetricsQuery, event: String, lookbackDays: Int?) -> TrendCounts? {
        let window = query.window
        guard query.conditions.isEmpty, query.breakdown == nil, log.evictedEvents == 0,
              window.granularity != .minute, window.granularity != .hourly,
              window.startMs == calendar.startMs(of: window.days.first), window.endMs == calendar.startMs(of: window.days.last + 1),
              let type = eventTypeIndex(event) else { return nil }
        var counts = TrendCounts(width: window.buckets.count)
        var seen = Bitmap()
        if !days.isEmpty {
            let historyFirst = max(days.firstDay, lookbackDays.map { window.days.first - DayNumber($0) } ?? days.firstDay)
            var day = historyFirst
            while day < window.days.first {
                if let users = days[day]?.users(ofType: type) { seen.formUnion(users) }
                day += 1
            }
        }
        var perBucket = [Int](repeating: 0, count: window.buckets.count)
        for (b, bucket) in window.buckets.enumerated() {
            var day = bucket.days.first
            while day <= bucket.days.last {
                if let users = days[day]?.users(ofType: type) {
                    perBucket[b] += users.subtractingCount(seen)
                    seen.formUnion(users)
                }
                day += 1
            }
        }
        if perBucket.contains(where: { $0 > 0 }) { counts.daily[0] = perBucket }
        return counts
    }
}
