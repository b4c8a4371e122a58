/// Session paths from (forward) or to (backward) an event.
///
/// A user's events in the range, in time order, are cut into sessions wherever 30 minutes pass
/// without an event. In each session the first event of the anchor type is the anchor; the
/// forward path is the next `depth` events of the session, the backward path the `depth` events
/// before the anchor (nearest first). A path shorter than `depth` ran out of session: forward
/// that is a drop-off, backward the session's start.
///
/// One streaming pass over the log keeps a small state per user, which is exact because nearly
/// every user's events arrive in time order; the few users with late events are found first
/// and replayed from a sorted copy of their events.
extension TenantState {
    public enum PathDirection: String, Sendable, CaseIterable { case forward, backward }

    /// What a path step is called: the event type, or the page for events that name one.
    public enum PathLabel: String, Sendable, CaseIterable { case event, page }

    public static let sessionGapMs: Int64 = 30 * 60_000

    public struct PathStepSummary: Sendable, Equatable {
        /// 1 is the event next to the anchor.
        public var step: Int
        /// Sessions with at least `step` events on this side of the anchor.
        public var sessions: Int
        /// Sessions that had `step - 1` events and no more.
        public var dropOffs: Int
        /// The most frequent events at this step, with their sessions.
        public var top: [(label: String, sessions: Int)]

        public static func == (a: Self, b: Self) -> Bool {
            a.step == b.step && a.sessions == b.sessions && a.dropOffs == b.dropOffs && a.top.map(\.label) == b.top.map(\.label) && a.top.map(\.sessions) == b.top.map(\.sessions)
        }
    }

    public struct PathLink: Sendable, Equatable {
        /// The link goes from step `step - 1` (0 is the anchor) to step `step`.
        public var step: Int
        public var from: String
        public var to: String
        public var sessions: Int
    }

    public struct FullPath: Sendable, Equatable {
        /// Nearest the anchor first.
        public var labels: [String]
        public var sessions: Int
        /// Fewer than `depth` events: the session ended (forward) or began (backward) first.
        public var ranOut: Bool
    }

    public struct PathAnalysis: Sendable, Equatable {
        /// Sessions in which the anchor occurred.
        public var sessions: Int
        public var users: Int
        public var steps: [PathStepSummary]
        public var links: [PathLink]
        public var paths: [FullPath]
    }

    public func paths(from anchor: EventTypeIndex, range: DayRange, depth: Int, direction: PathDirection,
                      label labelKind: PathLabel = .event, limit: Int = 20) -> PathAnalysis {
        let startMs = calendar.startMs(of: range.first), endMs = calendar.startMs(of: range.last + 1)
        let typeCount = UInt32(eventTypeNames.count)
        var canonicalOf = [UInt32](repeating: 0, count: users.count)
        for u in 0..<users.count { canonicalOf[u] = users.canonical(UInt32(u)) }

        // Pass 1: users whose events do not arrive in time order.
        var lastSeen = [Int64](repeating: .min, count: users.count)
        var disordered = [Bool](repeating: false, count: users.count)
        var anyDisordered = false
        forEachRow(startMs, endMs) { user, ts, _, _ in
            let u = Int(canonicalOf[Int(user)])
            if ts < lastSeen[u] { disordered[u] = true; anyDisordered = true } else { lastSeen[u] = ts }
        }

        var walker = PathWalker(userCount: users.count, depth: depth, direction: direction, anchor: anchor.rawValue)
        var late: [(user: UInt32, ts: Int64, label: UInt32, type: UInt32, order: Int)] = []
        var order = 0
        forEachRow(startMs, endMs) { user, ts, type, page in
            let u = canonicalOf[Int(user)]
            let label = labelKind == .page && page != PageIndex.none.rawValue ? typeCount + page : type
            if anyDisordered && disordered[Int(u)] {
                late.append((u, ts, label, type, order)); order += 1
            } else {
                walker.observe(user: u, ts: ts, label: label, isAnchor: type == anchor.rawValue)
            }
        }
        late.sort { ($0.user, $0.ts, $0.order) < ($1.user, $1.ts, $1.order) }
        for e in late { walker.observe(user: e.user, ts: e.ts, label: e.label, isAnchor: e.type == anchor.rawValue) }
        walker.finish()
        return summarize(walker, depth: depth, typeCount: typeCount, limit: limit)
    }

    /// Every event in [startMs, endMs) in log order: user, time, type, page.
    private func forEachRow(_ startMs: Int64, _ endMs: Int64, _ body: (UInt32, Int64, UInt32, UInt32) -> Void) {
        log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= startMs, chunk.minTimestamp < endMs else { return }
            chunk.timestamps.withUnsafeBufferPointer { timestamps in
                chunk.users.withUnsafeBufferPointer { users in
                    chunk.types.withUnsafeBufferPointer { types in
                        chunk.pages.withUnsafeBufferPointer { pages in
                            for row in 0..<timestamps.count where timestamps[row] >= startMs && timestamps[row] < endMs {
                                body(users[row], timestamps[row], types[row], pages[row])
                            }
                        }
                    }
                }
            }
        }
    }

    private func summarize(_ walker: PathWalker, depth: Int, typeCount: UInt32, limit: Int) -> PathAnalysis {
        let trie = walker.trie
        func name(_ label: UInt32) -> String {
            label < typeCount ? eventTypeNames.string(label) : pageNames.string(label - typeCount)
        }
        var reached = [Int](repeating: 0, count: depth + 1)
        var endedAt = [Int](repeating: 0, count: depth + 1)
        var byLabel = [[UInt32: Int]](repeating: [:], count: depth + 1)
        var links: [UInt64: Int] = [:]
        var linkStep: [UInt64: Int] = [:]
        for node in 0..<trie.count {
            let d = Int(trie.depth[node])
            endedAt[d] += Int(trie.ends[node])
            guard node != Int(PathTrie.root) else { continue }
            let n = Int(trie.through[node])
            reached[d] += n
            byLabel[d][trie.label[node], default: 0] += n
            let parent = Int(trie.parent[node])
            if parent != Int(PathTrie.root) {
                let key = UInt64(d) << 56 | UInt64(trie.label[parent]) << 28 | UInt64(trie.label[node])
                links[key, default: 0] += n; linkStep[key] = d
            }
        }
        reached[0] = walker.sessions
        let steps = (1...max(1, depth)).map { k in
            PathStepSummary(step: k, sessions: reached[k], dropOffs: endedAt[k - 1],
                            top: byLabel[k].sorted { ($0.value, name($1.key)) > ($1.value, name($0.key)) }.prefix(10).map { (name($0.key), $0.value) })
        }
        let linkRows = links.map { key, n in
            PathLink(step: linkStep[key]!, from: name(UInt32((key >> 28) & 0xFFF_FFFF)), to: name(UInt32(key & 0xFFF_FFFF)), sessions: n)
        }.sorted { ($0.sessions, $1.step, $1.from, $1.to) > ($1.sessions, $0.step, $0.from, $0.to) }
        let ending = (0..<trie.count).filter { trie.ends[$0] > 0 }
            .sorted { a, b in trie.ends[a] != trie.ends[b] ? trie.ends[a] > trie.ends[b] : trie.labels(of: UInt32(a)).map(name).lexicographicallyPrecedes(trie.labels(of: UInt32(b)).map(name)) }
        let full = ending.prefix(limit).map { node in
            FullPath(labels: trie.labels(of: UInt32(node)).map(name), sessions: Int(trie.ends[node]), ranOut: Int(trie.depth[node]) < depth)
        }
        return PathAnalysis(sessions: walker.sessions, users: walker.users, steps: steps, links: Array(linkRows.prefix(limit * 3)), paths: full)
    }
}

/// Per-user session state for the path pass. Forward: the trie node the anchored session has
/// reached. Backward: a ring of the session's latest labels, walked into the trie at the anchor.
struct PathWalker {
    let depth: Int
    let direction: TenantState.PathDirection
    let anchor: UInt32
    var trie = PathTrie()
    var sessions = 0
    var users = 0
    private var lastTs: [Int64]
    /// 0: no anchor yet in this session; 1: anchored, collecting (forward); 2: done for this session.
    private var phase: [UInt8]
    private var node: [UInt32]
    private var collected: [UInt8]
    private var ring: [UInt32]
    private var counted: [Bool]

    init(userCount: Int, depth: Int, direction: TenantState.PathDirection, anchor: UInt32) {
        self.depth = depth; self.direction = direction; self.anchor = anchor
        lastTs = [Int64](repeating: .min, count: userCount)
        phase = [UInt8](repeating: 0, count: userCount)
        node = [UInt32](repeating: PathTrie.root, count: direction == .forward ? userCount : 0)
        collected = [UInt8](repeating: 0, count: userCount)
        ring = [UInt32](repeating: 0, count: direction == .backward ? userCount * depth : 0)
        counted = [Bool](repeating: false, count: userCount)
    }

    @inline(__always)
    mutating func observe(user: UInt32, ts: Int64, label: UInt32, isAnchor: Bool) {
        let u = Int(user)
        if lastTs[u] == .min || ts - lastTs[u] > TenantState.sessionGapMs { endSession(u) }
        lastTs[u] = ts
        switch direction {
        case .forward:
            if phase[u] == 1 {
                let next = trie.child(node[u], label)
                trie.through[Int(next)] += 1
                node[u] = next
                collected[u] += 1
                if Int(collected[u]) == depth { trie.ends[Int(next)] += 1; phase[u] = 2 }
            } else if phase[u] == 0 && isAnchor {
                startAnchor(u)
                node[u] = PathTrie.root
                if depth == 0 { trie.ends[0] += 1; phase[u] = 2 } else { phase[u] = 1 }
            }
        case .backward:
            guard phase[u] == 0 else { return }
            if isAnchor {
                startAnchor(u)
                var n = PathTrie.root
                let have = Int(collected[u])
                for back in 0..<min(have, depth) {
                    n = trie.child(n, ring[u * depth + (have - 1 - back) % depth])
                    trie.through[Int(n)] += 1
                }
                trie.ends[Int(n)] += 1
                phase[u] = 2
            } else if depth > 0 {
                ring[u * depth + Int(collected[u]) % depth] = label
                // Counts up to 2·depth, then folds back by depth: the position modulo depth stays right.
                collected[u] = collected[u] + 1 == UInt8(2 * depth) ? UInt8(depth) : collected[u] + 1
            }
        }
    }

    private mutating func startAnchor(_ u: Int) {
        sessions += 1
        if !counted[u] { counted[u] = true; users += 1 }
    }

    private mutating func endSession(_ u: Int) {
        if direction == .forward && phase[u] == 1 { trie.ends[Int(node[u])] += 1 }
        phase[u] = 0
        collected[u] = 0
    }

    /// Sessions still open at the end of the range end there.
    mutating func finish() {
        guard direction == .forward else { return }
        for u in 0..<phase.count where phase[u] == 1 { trie.ends[Int(node[u])] += 1; phase[u] = 2 }
    }
}
