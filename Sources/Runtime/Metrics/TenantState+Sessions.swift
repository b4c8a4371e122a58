/// Sessions per bucket (`/metrics/sessions`): a user's run of events with no gap over
/// `sessionGapMs` (the cut paths use), counted in the bucket its first event falls in.
extension TenantState {
    public struct SessionPoint: Sendable, Equatable {
        public var sessions = 0
        /// First to last event, summed over the bucket's sessions.
        public var durationMs: Int64 = 0
        /// Sessions of a single event.
        public var bounces = 0
    }

    /// Events passing the conditions are read from `sessionGapMs` before the window (so a session
    /// already running is not counted again) to its end (sessions are cut there); then grouped by
    /// user with a counting sort, which costs two passes whatever the order they arrived in
    /// (events sent by concurrent clients reach the log out of order for most users).
    /// - Parameter countsOnly: only `sessions` is read (durations and bounces may then differ
    ///   from the cut at the window's end).
    public func sessions(_ query: MetricsQuery, countsOnly: Bool = false) -> [SessionPoint] {
        if let points = sessionsFromIndex(query, countsOnly: countsOnly) { return points }
        let window = query.window
        guard let first = window.buckets.first else { return [] }
        var scanned = window
        scanned.buckets.insert(MetricsBucket(startMs: first.startMs - Self.sessionGapMs, endMs: first.startMs, days: first.days), at: 0)
        var matcher = EventMatcher(query.conditions, in: self)
        var eventUsers: [UInt32] = [], times: [Int64] = []
        // Sized from the day indexes (events per day, an upper bound under conditions), so the
        // lists never grow while the log is read.
        var expected = 0
        var day = window.days.first - 1
        while day <= window.days.last { expected += days[day]?.eventCount ?? 0; day += 1 }
        eventUsers.reserveCapacity(expected); times.reserveCapacity(expected)
        forEachMetricsEvent(in: scanned, matching: &matcher) { event in
            eventUsers.append(event.user)
            times.append(event.timestampMs)
        }
        // Counting sort by user: offsets[u]..<offsets[u + 1] will hold u's times.
        var offsets = [Int](repeating: 0, count: users.count + 1)
        for u in eventUsers { offsets[Int(u) + 1] += 1 }
        for i in 1..<offsets.count { offsets[i] += offsets[i - 1] }
        var sorted = [Int64](repeating: 0, count: times.count)
        var next = offsets
        for (u, ts) in zip(eventUsers, times) {
            sorted[next[Int(u)]] = ts
            next[Int(u)] += 1
        }
        var points = [SessionPoint](repeating: SessionPoint(), count: window.buckets.count)
        var hint = 0
        func close(start: Int64, end: Int64, events: Int) {
            guard let bucket = window.bucket(of: start, hint: hint) else { return }   // begun before the window
            hint = bucket
            points[bucket].sessions += 1
            points[bucket].durationMs += end - start
            if events == 1 { points[bucket].bounces += 1 }
        }
        for u in 0..<users.count where offsets[u] < offsets[u + 1] {
            let mine = offsets[u]..<offsets[u + 1]
            // Arrival order is nearly time order: sort only when it is not.
            if zip(sorted[mine], sorted[mine].dropFirst()).contains(where: { $0 > $1 }) { sorted[mine].sort() }
            var start = sorted[mine.lowerBound], last = start, events = 0
            for ts in sorted[mine] {
                if ts - last > Self.sessionGapMs {
                    close(start: start, end: last, events: events)
                    start = ts
                    events = 0
                }
                last = ts
                events += 1
            }
            close(start: start, end: last, events: events)
        }
        return points
    }

    /// The session index's day totals, when they answer as the scan would: whole days, no
    /// conditions, no evicted event within the gap before the window, and (unless only counts are
    /// read) no event at or after the window's end, since the scan measures a session only up to
    /// there while the index measures it whole. A session's start depends only on the events
    /// before it, so counts agree either way.
    func sessionsFromIndex(_ query: MetricsQuery, countsOnly: Bool) -> [SessionPoint]? {
        let window = query.window
        guard query.conditions.isEmpty, coversWholeDays(window) else { return nil }
        if log.evictedEvents > 0 {
            guard let bound = log.evictedBeforeMs, bound <= window.startMs - Self.sessionGapMs else { return nil }
        }
        if !countsOnly, let newest = newestTimestampMs, newest >= window.endMs { return nil }
        return window.buckets.map { bucket in
            var point = SessionPoint()
            for day in bucket.days.all {
                let totals = sessionIndex.totals(on: day)
                point.sessions += totals.sessions
                point.durationMs += totals.durationMs
                point.bounces += totals.bounces
            }
            return point
        }
    }
}
