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
    public func funnel(steps: [String], range: DayRange, windowMs: Int64) -> Funnel {
        // A type may appear at several steps (a → b → a): keep every step it stands for.
        var stepsOfType: [UInt32: [Int]] = [:]
        for (i, name) in steps.enumerated() { if let t = eventTypeNames.lookup(name) { stepsOfType[t, default: []].append(i) } }
        let startMs = calendar.startMs(of: range.first)
        let endMs = calendar.startMs(of: range.last + 1)
        var matches: [(user: UInt32, ts: Int64, type: UInt32)] = []
        log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= startMs, chunk.minTimestamp < endMs + windowMs else { return }
            for row in 0..<chunk.count {
                let type = chunk.types[row]
                guard stepsOfType[type] != nil else { continue }
                let ts = chunk.timestamps[row]
                guard ts >= startMs, ts < endMs + windowMs else { continue }
                matches.append((users.canonical(chunk.users[row]), ts, type))
            }
        }
        matches.sort { ($0.user, $0.ts) < ($1.user, $1.ts) }

        let n = steps.count
        var reached = [Bitmap](repeating: Bitmap(), count: n)
        var gaps = [[Int64]](repeating: [], count: n)
        var i = 0
        // Per user: latestStart[k] is the start of the chain reaching step k with the latest
        // start (the most window left); stepTime[k] when that chain reached step k.
        var latestStart = [Int64](repeating: .min, count: n)
        var stepTime = [Int64](repeating: 0, count: n)
        while i < matches.count {
            let user = matches[i].user
            for k in 0..<n { latestStart[k] = .min }
            var level = 0
            var firstReach = [Int64](repeating: .min, count: n)   // time each step was first reached
            var j = i
            while j < matches.count, matches[j].user == user {
                // Events at the same instant extend only chains from strictly earlier events.
                let ts = matches[j].ts
                var groupEnd = j
                while groupEnd < matches.count, matches[groupEnd].user == user, matches[groupEnd].ts == ts { groupEnd += 1 }
                let before = latestStart
                let beforeTime = stepTime
                for m in j..<groupEnd {
                    for k in stepsOfType[matches[m].type] ?? [] {
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
}
