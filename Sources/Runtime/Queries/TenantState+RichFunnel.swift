/// Funnels with property filters on any step, a conversion window per step and exclusion steps.
///
/// A user reaches step k when there are events e1 < e2 < … < ek (strictly increasing times) where
/// each ei is of step i's type and passes its filters, e1 falls in the range, ek − e1 ≤ the
/// funnel's window, ei − e(i−1) ≤ step i's own window when it has one, and no exclusion event
/// for the pair (i−1, i) happens strictly between e(i−1) and ei.
///
/// Per user, in time order, each step keeps the chains that reach it as a Pareto frontier of
/// (start, time at this step): a chain that started later and reached the step later is better
/// on every count (more window left, less time for an exclusion), so the others are dropped.
/// Time stays linear in the events of the funnel's types.
extension TenantState {
    public struct FunnelStepDefinition: Sendable, Equatable {
        public var eventType: EventTypeIndex
        public var filters: [PropertyFilter]
        /// The most time allowed since the previous step (ignored on step 1).
        public var withinMs: Int64?

        public init(eventType: EventTypeIndex, filters: [PropertyFilter] = [], withinMs: Int64? = nil) {
            self.eventType = eventType; self.filters = filters; self.withinMs = withinMs
        }
    }

    public struct FunnelExclusion: Sendable, Equatable {
        public var eventType: EventTypeIndex
        public var filters: [PropertyFilter]
        /// The exclusion applies between this step (1-based) and the next; nil: between every pair.
        public var afterStep: Int?

        public init(eventType: EventTypeIndex, filters: [PropertyFilter] = [], afterStep: Int? = nil) {
            self.eventType = eventType; self.filters = filters; self.afterStep = afterStep
        }
    }

    public struct FunnelDefinition: Sendable, Equatable {
        public var steps: [FunnelStepDefinition]
        public var exclusions: [FunnelExclusion]
        public var windowMs: Int64

        public init(steps: [FunnelStepDefinition], exclusions: [FunnelExclusion] = [], windowMs: Int64) {
            self.steps = steps; self.exclusions = exclusions; self.windowMs = windowMs
        }

        /// Plain steps only: the windowFunnel scan answers it.
        var isPlain: Bool { exclusions.isEmpty && steps.allSatisfy { $0.filters.isEmpty && $0.withinMs == nil } }
    }

    public func funnel(_ definition: FunnelDefinition, range: DayRange) -> Funnel {
        if definition.isPlain {
            return funnel(steps: definition.steps.map { eventTypeNames.string($0.eventType.rawValue) }, range: range, windowMs: definition.windowMs)
        }
        return funnel(definition, startMs: calendar.startMs(of: range.first), endMs: calendar.startMs(of: range.last + 1))
    }

    /// The events of a funnel's types (and exclusions) timed in `startMs..<endMs`: each with its
    /// canonical user and a mask of the steps it may be (bit i) and the step pairs it cuts (bit
    /// 32 + i: between i and i+1).
    struct FunnelMatches {
        var users: [UInt32] = [], times: [Int64] = [], masks: [UInt64] = []
    }

    /// - Parameter part: keep only the users `u` with `u % part.count == part.index` (a scan split
    ///   by user: funnels of different users never meet).
    func funnelMatches(_ definition: FunnelDefinition, startMs: Int64, endMs scanEnd: Int64, part: (index: Int, count: Int) = (0, 1)) -> FunnelMatches {
        let steps = definition.steps, n = steps.count
        var stepMatchers = steps.map { PropertySetMatcher($0.filters, sets: propertySets) }
        var exclusionMatchers = definition.exclusions.map { PropertySetMatcher($0.filters, sets: propertySets) }
        var relevant = [Bool](repeating: false, count: eventTypeNames.count)
        for s in steps { relevant[Int(s.eventType.rawValue)] = true }
        for e in definition.exclusions { relevant[Int(e.eventType.rawValue)] = true }
        // Per type, the steps it is whatever its properties (steps without filters), and whether
        // any step or exclusion must look at the properties.
        var plainBits = [UInt64](repeating: 0, count: eventTypeNames.count)
        var needsProperties = [Bool](repeating: !definition.exclusions.isEmpty, count: eventTypeNames.count)
        for (i, step) in steps.enumerated() {
            if stepMatchers[i].isTrivial { plainBits[Int(step.eventType.rawValue)] |= 1 << UInt64(i) } else { needsProperties[Int(step.eventType.rawValue)] = true }
        }
        var found = FunnelMatches()
        let relevantTypes = relevant.indices.filter { relevant[$0] }.map(UInt32.init)
        let partCount = UInt32(part.count), partIndex = UInt32(part.index)
        // Without merges every user is canonical: no read of the user table per event.
        let merged = users.mergedCount > 0
        log.forEachChunk(in: 0..<log.chunkCount, from: startMs, to: scanEnd, types: relevantTypes, typeCount: eventTypeNames.count) { chunk, rows in
            for i in 0..<(rows?.count ?? chunk.count) {
                let row = rows?[i] ?? i
                guard relevant[Int(chunk.types[row])] else { continue }
                let ts = chunk.timestamps[row]
                guard ts >= startMs, ts < scanEnd else { continue }
                let user = merged ? users.canonical(chunk.users[row]) : chunk.users[row]
                guard partCount == 1 || user % partCount == partIndex else { continue }
                let type = chunk.types[row], set = chunk.propertySets[row]
                if !needsProperties[Int(type)] {
                    found.users.append(user); found.times.append(ts); found.masks.append(plainBits[Int(type)])
                    continue
                }
                var stepBits: UInt64 = 0, cutBits: UInt64 = 0
                for i in 0..<n where steps[i].eventType.rawValue == type && stepMatchers[i].matches(set, in: propertySets) { stepBits |= 1 << UInt64(i) }
                for (j, exclusion) in definition.exclusions.enumerated()
                where exclusion.eventType.rawValue == type && exclusionMatchers[j].matches(set, in: propertySets) {
                    if let after = exclusion.afterStep { cutBits |= 1 << UInt64(after - 1) } else { cutBits |= (1 << UInt64(n - 1)) - 1 }
                }
                guard stepBits | cutBits != 0 else { continue }
                found.users.append(user); found.times.append(ts); found.masks.append(stepBits | cutBits << 32)
            }
        }
        return found
    }

    /// The funnel's answer from what each step's chains reached and the times between steps.
    func funnelAnswer(_ definition: FunnelDefinition, reached: [Bitmap], gaps: [[Int64]]) -> Funnel {
        let result = definition.steps.indices.map { k -> FunnelStep in
            let sorted = gaps[k].sorted()
            return FunnelStep(eventType: eventTypeNames.string(definition.steps[k].eventType.rawValue), users: reached[k].count,
                              medianMsFromPrevious: k == 0 || sorted.isEmpty ? nil : sorted[sorted.count / 2])
        }
        return Funnel(steps: result, usersAtStep: reached)
    }

    /// The same over any span of instants: step-1 events must fall in `startMs..<endMs`.
    public func funnel(_ definition: FunnelDefinition, startMs: Int64, endMs: Int64) -> Funnel {
        let steps = definition.steps, n = steps.count
        let matches = funnelMatches(definition, startMs: startMs, endMs: endMs + definition.windowMs)
        var reached = [Bitmap](repeating: Bitmap(), count: n)
        var gaps = [[Int64]](repeating: [], count: n)
        var chains = FunnelChains(steps: n)
        let byUser = Self.groupedByUserInTimeOrder(users: matches.users, times: matches.times, tags: matches.masks, userCount: users.count)
        var i = 0
        while i < byUser.count {
            let user = byUser[i].user
            chains.reset()
            var j = i
            while j < byUser.count, byUser[j].user == user {
                // Events at one instant extend only chains from strictly earlier events.
                let ts = byUser[j].ts
                var groupEnd = j
                var group: UInt64 = 0
                while groupEnd < byUser.count, byUser[groupEnd].user == user, byUser[groupEnd].ts == ts { group |= byUser[groupEnd].tag; groupEnd += 1 }
                chains.advance(group: group, at: ts, steps: steps, windowMs: definition.windowMs,
                               firstStepAllowed: ts < endMs) { k, gap in gaps[k].append(gap) }
                j = groupEnd
            }
            for k in 0..<n where chains.reachedAt[k] != nil { reached[k].insert(user) }
            i = j
        }
        return funnelAnswer(definition, reached: reached, gaps: gaps)
    }
}

/// One user's chains per step, as Pareto frontiers of (start, time at the step). `firstAt` is
/// when a chain with that start first reached the step: the time between steps is measured
/// from it, as the windowFunnel scan does.
struct FunnelChains {
    typealias Chain = (start: Int64, at: Int64, firstAt: Int64)
    private var frontier: [[Chain]]
    /// When the user first reached each step.
    private(set) var reachedAt: [Int64?]

    init(steps: Int) {
        frontier = [[Chain]](repeating: [], count: steps)
        reachedAt = [Int64?](repeating: nil, count: steps)
    }

    mutating func reset() {
        for k in frontier.indices { frontier[k].removeAll(keepingCapacity: true); reachedAt[k] = nil }
    }

    /// Applies the events of one instant: extensions from the chains as they stood before it (an
    /// exclusion at the same instant as a step does not fall strictly between), cuts, additions.
    /// `group` is the OR of the instant's event masks.
    mutating func advance(group: UInt64, at ts: Int64, steps: [TenantState.FunnelStepDefinition], windowMs: Int64,
                          firstStepAllowed: Bool, onFirstReach: (Int, Int64) -> Void) {
        let n = steps.count
        let stepBits = group & 0xFFFF_FFFF, cutBits = group >> 32
        // Steps from the last down: step k extends from step k−1's chains as they stood before
        // this instant, which are cut and added to only after (no copy of the frontier needed).
        for k in stride(from: n - 1, through: 0, by: -1) {
            var candidate: Chain?
            if stepBits & (1 << UInt64(k)) != 0 {
                if k == 0 {
                    if firstStepAllowed { candidate = (ts, ts, ts) }
                } else {
                    let within = steps[k].withinMs ?? .max
                    // Of the earlier chains that may extend, the one with the latest start (then the latest step).
                    var predecessorAt = Int64.min
                    for c in frontier[k - 1] where c.at < ts && ts - c.start <= windowMs && ts - c.at <= within {
                        if candidate == nil || c.start > candidate!.start {
                            candidate = (c.start, ts, ts); predecessorAt = c.firstAt
                        }
                    }
                    if reachedAt[k] == nil, candidate != nil { onFirstReach(k, ts - predecessorAt) }
                }
            }
            if k < n - 1, cutBits & (1 << UInt64(k)) != 0 { frontier[k].removeAll { $0.at < ts } }
            guard let candidate else { continue }
            if reachedAt[k] == nil { reachedAt[k] = ts }
            insert(candidate, at: k, windowMs: windowMs, now: ts)
        }
    }

    /// Adds a chain unless one already dominates it; drops those it dominates and those too old to extend.
    private mutating func insert(_ chain: Chain, at k: Int, windowMs: Int64, now: Int64) {
        var c = chain
        frontier[k].removeAll { now - $0.start > windowMs }
        if let same = frontier[k].first(where: { $0.start == c.start }) { c.firstAt = min(c.firstAt, same.firstAt) }
        if frontier[k].contains(where: { $0.start >= c.start && $0.at >= c.at }) { return }
        frontier[k].removeAll { c.start >= $0.start && c.at >= $0.at }
        frontier[k].append(c)
    }
}
