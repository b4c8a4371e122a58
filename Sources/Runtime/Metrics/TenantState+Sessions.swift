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
    /// already running is not counted again) to its end (sessions are cut there). Events mostly
    /// arrive in time order per user, so a first pass finds the users whose events in log order
    /// never go back in time; their sessions are cut in a second pass straight from the log (a few
    /// words of state per user), and only the other users' events are gathered and sorted.
    public func sessions(_ query: MetricsQuery) -> [SessionPoint] {
        let window = query.window
        guard let first = window.buckets.first else { return [] }
        var scanned = window
        scanned.buckets.insert(MetricsBucket(startMs: first.startMs - Self.sessionGapMs, endMs: first.startMs, days: first.days), at: 0)
        var matcher = EventMatcher(query.conditions, in: self)
        let userCount = users.count
        var last = [Int64](repeating: .min, count: userCount)
        var disordered = [Bool](repeating: false, count: userCount)
        var anyDisordered = false
        forEachMetricsEvent(in: scanned, matching: &matcher) { event in
            let u = Int(event.user)
            if event.timestampMs < last[u] { disordered[u] = true; anyDisordered = true } else { last[u] = event.timestampMs }
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
        // In order: each user's open session as (start, last, events), closed on a gap or at the end.
        var start = [Int64](repeating: 0, count: userCount)
        var count = [Int](repeating: 0, count: userCount)
        for u in 0..<userCount { last[u] = .min }
        var strayUsers: [UInt32] = [], strayTimes: [Int64] = []
        matcher = EventMatcher(query.conditions, in: self)
        forEachMetricsEvent(in: scanned, matching: &matcher) { event in
            let u = Int(event.user), ts = event.timestampMs
            if anyDisordered, disordered[u] { strayUsers.append(event.user); strayTimes.append(ts); return }
            if count[u] > 0, ts - last[u] > Self.sessionGapMs {
                close(start: start[u], end: last[u], events: count[u])
                count[u] = 0
            }
            if count[u] == 0 { start[u] = ts }
            last[u] = ts
            count[u] += 1
        }
        for u in 0..<userCount where count[u] > 0 { close(start: start[u], end: last[u], events: count[u]) }
        guard !strayUsers.isEmpty else { return points }
        // Counting sort by user: offsets[u]..<offsets[u + 1] will hold u's times.
        var offsets = [Int](repeating: 0, count: userCount + 1)
        for u in strayUsers { offsets[Int(u) + 1] += 1 }
        for i in 1..<offsets.count { offsets[i] += offsets[i - 1] }
        var sorted = [Int64](repeating: 0, count: strayTimes.count)
        var next = offsets
        for (u, ts) in zip(strayUsers, strayTimes) {
            sorted[next[Int(u)]] = ts
            next[Int(u)] += 1
        }
        for u in 0..<userCount where offsets[u] < offsets[u + 1] {
            let mine = offsets[u]..<offsets[u + 1]
            sorted[mine].sort()
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
}
