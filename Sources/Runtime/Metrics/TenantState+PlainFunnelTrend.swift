/// The funnel trend of a plain funnel (no step filters, step windows or exclusions): the answer
/// of the general trend (`funnelTrendPart`), with far less work per event. A plain funnel needs
/// of each bucket's chains only, per step, the latest start of a chain reaching it and when that
/// start first did (what the windowFunnel scan keeps): a later start leaves more window and
/// nothing else can cut a chain. Those numbers sit in flat arrays reused from user to user, the
/// step events come straight from each sealed chunk's rows of their types, and who reached a
/// step is gathered in user order and built into a bitmap once.
extension TenantState {
    /// Step events grouped by user, each a key `(ms since startMs) << 16 | step mask` (bit k:
    /// the event may be step k), so one sort orders them by time.
    struct StepEventsByUser {
        /// User u's keys are `keys[starts[u] ..< starts[u + 1]]`, ascending.
        var starts: [Int32]
        var keys: [UInt64]
        var startMs: Int64
    }

    /// Spans this long or longer do not fit a key (2^47 ms: 4,000 years).
    static let plainTrendMaxSpanMs: Int64 = 1 << 47

    func plainFunnelTrendPart(_ definition: FunnelDefinition, window: MetricsWindow, part: (index: Int, count: Int)) -> FunnelTrendPart {
        guard !window.buckets.isEmpty else { return FunnelTrendPart(reached: [], gaps: []) }
        var stepMask = [UInt16](repeating: 0, count: eventTypeNames.count)
        for (k, step) in definition.steps.enumerated() { stepMask[Int(step.eventType.rawValue)] |= 1 << UInt16(k) }
        let events = stepEventsByUser(stepMask: stepMask, startMs: window.startMs, endMs: window.endMs + definition.windowMs, part: part)
        var trend = PlainFunnelTrend(window: window, steps: definition.steps.count, windowMs: definition.windowMs)
        events.keys.withUnsafeBufferPointer { keys in
            for u in 0..<(events.starts.count - 1) where events.starts[u] < events.starts[u + 1] {
                trend.add(user: UInt32(u), keys: keys, Int(events.starts[u])..<Int(events.starts[u + 1]), keysFrom: events.startMs)
            }
        }
        return FunnelTrendPart(reached: trend.reachedUsers.map { $0.map { Bitmap(ascending: $0) } }, gaps: trend.gaps)
    }

    /// The events of the types `stepMask` marks, timed in `startMs..<endMs`, of the canonical
    /// users `u` with `u % part.count == part.index`, grouped by user (a counting sort) and put in
    /// time order per user (an insertion sort: a user's events are nearly in order already).
    func stepEventsByUser(stepMask: [UInt16], startMs: Int64, endMs: Int64, part: (index: Int, count: Int)) -> StepEventsByUser {
        precondition(endMs - startMs < Self.plainTrendMaxSpanMs)
        let stepTypes = stepMask.indices.filter { stepMask[$0] != 0 }.map(UInt32.init)
        let chunks = log.sealed.filter { $0.columns.maxTimestamp >= startMs && $0.columns.minTimestamp < endMs }
        let open = log.open.count > 0 && log.open.maxTimestamp >= startMs && log.open.minTimestamp < endMs ? log.open : EventColumns()
        var capacity = open.count
        for chunk in chunks { for type in stepTypes { capacity += chunk.rowsByType.withRows(ofType: type) { $0.count } } }
        let foundUsers = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: capacity)
        let foundKeys = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: capacity)
        defer { foundUsers.deallocate(); foundKeys.deallocate() }
        var found = 0
        let merged = users.mergedCount > 0
        let partCount = UInt32(part.count), partIndex = UInt32(part.index)
        /// Takes `row` of `columns` when it is timed in the span and its user in the part.
        func take(_ row: Int, _ mask: UInt16, _ times: UnsafeBufferPointer<Int64>, _ rowUsers: UnsafeBufferPointer<UInt32>, checkTime: Bool) {
            let ts = times[row]
            if checkTime, ts < startMs || ts >= endMs { return }
            let user = merged ? users.canonical(rowUsers[row]) : rowUsers[row]
            if partCount != 1, user % partCount != partIndex { return }
            foundUsers[found] = user; foundKeys[found] = UInt64(ts - startMs) << 16 | UInt64(mask); found += 1
        }
        for chunk in chunks {
            let checkTime = chunk.columns.minTimestamp < startMs || chunk.columns.maxTimestamp >= endMs
            chunk.columns.timestamps.withUnsafeBufferPointer { times in
                chunk.columns.users.withUnsafeBufferPointer { rowUsers in
                    for type in stepTypes {
                        let mask = stepMask[Int(type)]
                        chunk.rowsByType.withRows(ofType: type) { rows in
                            for row in rows { take(Int(row), mask, times, rowUsers, checkTime: checkTime) }
                        }
                    }
                }
            }
        }
        open.timestamps.withUnsafeBufferPointer { times in
            open.users.withUnsafeBufferPointer { rowUsers in
                for row in 0..<open.count where Int(open.types[row]) < stepMask.count && stepMask[Int(open.types[row])] != 0 {
                    take(row, stepMask[Int(open.types[row])], times, rowUsers, checkTime: true)
                }
            }
        }

        let userCount = users.count
        var starts = [Int32](repeating: 0, count: userCount + 1)
        for i in 0..<found { starts[Int(foundUsers[i]) + 1] += 1 }
        for u in 0..<userCount { starts[u + 1] += starts[u] }
        let keys = [UInt64](unsafeUninitializedCapacity: found) { keys, initialized in
            var next = starts
            for i in 0..<found {
                let u = Int(foundUsers[i])
                keys[Int(next[u])] = foundKeys[i]
                next[u] += 1
            }
            for u in 0..<userCount where starts[u + 1] - starts[u] > 1 {
                let first = Int(starts[u])
                for i in (first + 1)..<Int(starts[u + 1]) {
                    let key = keys[i]
                    var j = i - 1
                    while j >= first && keys[j] > key { keys[j + 1] = keys[j]; j -= 1 }
                    keys[j + 1] = key
                }
            }
            initialized = found
        }
        return StepEventsByUser(starts: starts, keys: keys, startMs: startMs)
    }
}

/// Each bucket's plain-funnel chains for one user at a time, and what they reached.
private struct PlainFunnelTrend {
    let window: MetricsWindow, buckets: [MetricsBucket], n: Int, windowMs: Int64
    /// Per bucket and step, the users who reached it, in user order.
    var reachedUsers: [[[UInt32]]]
    var gaps: [[[Int64]]]
    /// The buckets with a chain for the current user (slots): at slot a, step k,
    /// `latest[a * n + k]` is the latest start of a chain reaching k (.min: none yet) and
    /// `firstAt[a * n + k]` when that start first reached it.
    var slotBucket: [Int] = [], latest: [Int64] = [], firstAt: [Int64] = []
    var hint = 0

    init(window: MetricsWindow, steps: Int, windowMs: Int64) {
        self.window = window; buckets = window.buckets; n = steps; self.windowMs = windowMs
        reachedUsers = [[[UInt32]]](repeating: [[UInt32]](repeating: [], count: steps), count: window.buckets.count)
        gaps = [[[Int64]]](repeating: [[Int64]](repeating: [], count: steps), count: window.buckets.count)
    }

    mutating func add(user: UInt32, keys: UnsafeBufferPointer<UInt64>, _ range: Range<Int>, keysFrom startMs: Int64) {
        var i = range.lowerBound
        while i < range.upperBound {
            // Events at one instant extend only chains from strictly earlier ones: steps are
            // applied from the last down, so step k reads step k − 1 as it stood before.
            let instant = keys[i] >> 16, ts = startMs + Int64(instant)
            var group: UInt16 = 0
            while i < range.upperBound, keys[i] >> 16 == instant { group |= UInt16(truncatingIfNeeded: keys[i]); i += 1 }
            var a = 0
            while a < slotBucket.count {
                if ts - buckets[slotBucket[a]].endMs >= windowMs { settle(user, a) } else { a += 1 }
            }
            if group & 1 != 0, ts >= window.startMs, ts < window.endMs, let b = window.bucket(of: ts, hint: hint) {
                hint = b
                if !slotBucket.contains(b) {
                    slotBucket.append(b)
                    latest.append(contentsOf: repeatElement(.min, count: n)); firstAt.append(contentsOf: repeatElement(0, count: n))
                }
            }
            for a in slotBucket.indices { advance(slot: a, group: group, at: ts) }
        }
        while !slotBucket.isEmpty { settle(user, slotBucket.count - 1) }
    }

    private mutating func advance(slot a: Int, group: UInt16, at ts: Int64) {
        let b = slotBucket[a], base = a * n
        for k in stride(from: n - 1, through: 0, by: -1) where group & (1 << UInt16(k)) != 0 {
            if k == 0 {
                if ts >= buckets[b].startMs, ts < buckets[b].endMs { latest[base] = ts; firstAt[base] = ts }
                continue
            }
            let start = latest[base + k - 1]
            guard start != .min, ts - start <= windowMs, start > latest[base + k] else { continue }
            if latest[base + k] == .min { gaps[b][k].append(ts - firstAt[base + k - 1]) }
            latest[base + k] = start; firstAt[base + k] = ts
        }
    }

    /// The slot's bucket is past its window: the user joins the steps it reached, and the last
    /// slot moves into this one (slots are independent; their order is not kept).
    private mutating func settle(_ user: UInt32, _ a: Int) {
        let b = slotBucket[a], base = a * n, last = (slotBucket.count - 1) * n
        for k in 0..<n where latest[base + k] != .min { reachedUsers[b][k].append(user) }
        for k in 0..<n { latest[base + k] = latest[last + k]; firstAt[base + k] = firstAt[last + k] }
        slotBucket[a] = slotBucket[slotBucket.count - 1]
        slotBucket.removeLast(); latest.removeLast(n); firstAt.removeLast(n)
    }
}
