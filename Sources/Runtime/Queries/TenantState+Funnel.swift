/// Ordered funnels over the event log, in one pass over the events of the funnel's types.
///
/// A user reaches step k when there are events of steps 1…k at strictly increasing times, all
/// within `windowMs` of the step-1 event (ClickHouse's windowFunnel with strict_increase). Time is
/// linear in the events scanned (plus sorting the matching ones), whatever the number of steps.
extension TenantState {
    public struct FunnelStep: Sendable, Equatable {
        public var eventType: String
        /// Users who reached this step (and every one before it).
        public var users: Int
        /// Median milliseconds from the previous step, over users who reached this one; nil for step 1.
        public var medianMsFromPrevious: Int64?
    }

    public struct Funnel: Sendable, Equatable {
        public var steps: [FunnelStep]
        /// Users of each step, as bitmaps, for listing who converted or dropped.
        public var usersAtStep: [Bitmap]
    }

    /// - Parameters:
    ///   - steps: event types in order (an unknown type reaches no one).
    ///   - range: days (tenant time zone) in which the step-1 event must fall; later steps may run past its end by up to the window.
    ///   - windowMs: the conversion window from the step-1 event.
    /// - Parameter among: only these users' events count (a segment's members); nil: everyone's.
    public func funnel(steps: [String], range: DayRange, windowMs: Int64, among: Bitmap? = nil) -> Funnel {
        // A type may appear at several steps (a → b → a): keep every step it stands for.
        // Indexed by event type id: a flat array, so the scan's per-event test is one load.
        var stepsOfType = [[Int]](repeating: [], count: eventTypeNames.count)
        for (i, name) in steps.enumerated() { if let t = eventTypeNames.lookup(name) { stepsOfType[Int(t)].append(i) } }
        let isStep = stepsOfType.map { !$0.isEmpty }
        let startMs = calendar.startMs(of: range.first)
        let endMs = calendar.startMs(of: range.last + 1)
        var matchUsers: [UInt32] = [], matchTimes: [Int64] = [], matchTypes: [UInt32] = []
        log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= startMs, chunk.minTimestamp < endMs + windowMs else { return }
            chunk.types.withUnsafeBufferPointer { types in
                chunk.timestamps.withUnsafeBufferPointer { timestamps in
                    isStep.withUnsafeBufferPointer { isStep in
                        for row in 0..<types.count where isStep[Int(types[row])] {
                            let ts = timestamps[row]
                            guard ts >= startMs, ts < endMs + windowMs else { continue }
                            let user = users.canonical(chunk.users[row])
                            if let among, !among.contains(user) { continue }
                            matchUsers.append(user); matchTimes.append(ts); matchTypes.append(types[row])
                        }
                    }
                }
            }
        }
        let matches = Self.groupedByUserInTimeOrder(users: matchUsers, times: matchTimes, tags: matchTypes, userCount: users.count)

        let n = steps.count
        var reached = [Bitmap](repeating: Bitmap(), count: n)
        var gaps = [[Int64]](repeating: [], count: n)
        var i = 0
        // Per user: latestStart[k] is the start of the chain reaching step k with the latest
        // start (the most window left); stepTime[k] when that chain reached step k.
        // Allocated once and reset per user: the loop below runs per event and must not allocate.
        var latestStart = [Int64](repeating: .min, count: n)
        var stepTime = [Int64](repeating: 0, count: n)
        var before = latestStart, beforeTime = stepTime
        var firstReach = [Int64](repeating: .min, count: n)   // when the user first reached each step
        while i < matches.count {
            let user = matches[i].user
            for k in 0..<n { latestStart[k] = .min; firstReach[k] = .min }
            var level = 0
            var j = i
            while j < matches.count, matches[j].user == user {
                // Events at the same instant extend only chains from strictly earlier events.
                let ts = matches[j].ts
                var groupEnd = j
                while groupEnd < matches.count, matches[groupEnd].user == user, matches[groupEnd].ts == ts { groupEnd += 1 }
                for k in 0..<n { before[k] = latestStart[k]; beforeTime[k] = stepTime[k] }
                for m in j..<groupEnd {
                    for k in stepsOfType[Int(matches[m].tag)] {
                        if k == 0 {
                            guard ts >= startMs, ts < endMs else { continue }
                            if ts > latestStart[0] { latestStart[0] = ts; stepTime[0] = ts }
                        } else if before[k - 1] != .min, ts - before[k - 1] <= windowMs, before[k - 1] > latestStart[k] {
                            latestStart[k] = before[k - 1]
                            stepTime[k] = ts
                            if firstReach[k] == .min { firstReach[k] = ts; gaps[k].append(ts - beforeTime[k - 1]) }
                        }
                        if latestStart[k] != .min { level = max(level, k + 1) }
                    }
                }
                j = groupEnd
            }
            for k in 0..<level { reached[k].insert(user) }
            i = j
        }
        let result = (0..<n).map { k -> FunnelStep in
            var sorted = gaps[k]
            sorted.sort()
            return FunnelStep(eventType: steps[k], users: reached[k].count,
                              medianMsFromPrevious: k == 0 || sorted.isEmpty ? nil : sorted[sorted.count / 2])
        }
        return Funnel(steps: result, usersAtStep: reached)
    }

    /// The matched events ordered by user, then time: a counting sort by user (stable, so each
    /// user's events keep the log's order, which is nearly chronological), then an insertion sort
    /// of each user's few events by time. Linear in practice, where a comparison sort is not.
    static func groupedByUserInTimeOrder<Tag>(users: [UInt32], times: [Int64], tags: [Tag], userCount: Int) -> [(user: UInt32, ts: Int64, tag: Tag)] {
        var starts = [Int](repeating: 0, count: userCount + 1)
        for u in users { starts[Int(u) + 1] += 1 }
        for i in 0..<userCount { starts[i + 1] += starts[i] }
        var next = starts
        return [(user: UInt32, ts: Int64, tag: Tag)](unsafeUninitializedCapacity: users.count) { out, initialized in
            for i in users.indices {
                let u = Int(users[i])
                (out.baseAddress! + next[u]).initialize(to: (users[i], times[i], tags[i]))
                next[u] += 1
            }
            for u in 0..<userCount where starts[u + 1] - starts[u] > 1 {
                for i in (starts[u] + 1)..<starts[u + 1] {
                    let item = out[i]
                    var j = i - 1
                    while j >= starts[u] && out[j].ts > item.ts { out[j + 1] = out[j]; j -= 1 }
                    out[j + 1] = item
                }
            }
            initialized = users.count
        }
    }
}
