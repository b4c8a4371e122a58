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
    static let prefetchDistance = 12

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
        // Merged ids map to their user; without merges the ids are their own (and the table is skipped).
        let merges = users.mergedCount > 0
        var canonicalOf = [UInt32](repeating: 0, count: merges ? users.count : 0)
        for u in 0..<canonicalOf.count { canonicalOf[u] = users.canonical(UInt32(u)) }

        // Only users who did the anchor in the range can have a path: the others' events are
        // skipped on a bit test, before their state is touched.
        var anchorUsers = [UInt64](repeating: 0, count: users.count / 64 + 1)
        for d in range.all {
            for u in days[d]?.users(ofType: anchor)?.members ?? [] { anchorUsers[Int(u >> 6)] |= 1 << UInt64(u & 63) }
        }
        func label(_ type: UInt32, _ page: UInt32) -> UInt32 {
            labelKind == .page && page != PageIndex.none.rawValue ? typeCount + page : type
        }
        // Pass 1: events that arrive after a later event of the same user (late ones), set aside.
        var lastSeen = [Int64](repeating: .min, count: users.count)
        var lateUsers: [UInt32] = [], lateTimes: [Int64] = [], lateLabels: [UInt32] = []
        canonicalOf.withUnsafeBufferPointer { canonicalOf in
            lastSeen.withUnsafeMutableBufferPointer { lastSeen in
                forEachRow(startMs, endMs) { user, ts, type, page in
                    let u = merges ? Int(canonicalOf[Int(user)]) : Int(user)
                    guard anchorUsers[u >> 6] & (1 << UInt64(u & 63)) != 0 else { return }
                    if ts < lastSeen[u] {
                        lateUsers.append(UInt32(u)); lateTimes.append(ts)
                        lateLabels.append(label(type, page) | (type == anchor.rawValue ? PathWalker<PackedPathRecorder>.anchorBit : 0))
                    } else {
                        lastSeen[u] = ts
                    }
                }
            }
        }
        let late = Self.groupedByUserInTimeOrder(users: lateUsers, times: lateTimes, tags: lateLabels, userCount: users.count)

        // Pass 2: every user's events in time order: the others as they come, each late one
        // slipped in before the first on-time event later than it.
        func walk<Recorder: PathRecorder>(_ recorder: Recorder) -> (trie: PathTrie, sessions: Int, users: Int) {
            var walker = PathWalker(recorder: recorder, userCount: users.count, depth: depth, direction: direction, late: late)
            defer { walker.deallocate() }
            log.forEachChunk { chunk in
                guard chunk.maxTimestamp >= startMs, chunk.minTimestamp < endMs else { return }
                walker.scan(chunk, from: startMs, to: endMs, anchor: anchor.rawValue, canonicalOf: merges ? canonicalOf : nil, wanted: anchorUsers,
                            pageLabelsFrom: labelKind == .page ? typeCount : nil)
            }
            walker.finish()
            return (walker.recorder.trie(), walker.sessions, walker.users)
        }
        let labelBound = labelKind == .page ? typeCount + UInt32(pageNames.count) : typeCount
        let walked: (trie: PathTrie, sessions: Int, users: Int)
        if depth <= PackedPathRecorder.maxDepth && labelBound < PackedPathRecorder.labelLimit {
            walked = walk(PackedPathRecorder(depth: depth))
        } else {
            let recorder = TriePathRecorder(depth: depth, userCount: users.count, backward: direction == .backward)
            defer { recorder.deallocate() }
            walked = walk(recorder)
        }
        return summarize(walked.trie, sessions: walked.sessions, users: walked.users, depth: depth, typeCount: typeCount, limit: limit)
    }

    /// Every event in [startMs, endMs) in log order: user, time, type, page.
    @inline(__always)
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

    private func summarize(_ trie: PathTrie, sessions: Int, users: Int, depth: Int, typeCount: UInt32, limit: Int) -> PathAnalysis {
        let through = trie.through()
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
            let n = through[node]
            reached[d] += n
            byLabel[d][trie.label[node], default: 0] += n
            let parent = Int(trie.parent[node])
            if parent != Int(PathTrie.root) {
                let key = UInt64(d) << 56 | UInt64(trie.label[parent]) << 28 | UInt64(trie.label[node])
                links[key, default: 0] += n; linkStep[key] = d
            }
        }
        reached[0] = sessions
        let steps = (1...max(1, depth)).map { k in
            PathStepSummary(step: k, sessions: reached[k], dropOffs: endedAt[k - 1],
                            top: byLabel[k].sorted { ($0.value, name($1.key)) > ($1.value, name($0.key)) }.prefix(10).map { (name($0.key), $0.value) })
        }
        let linkRows = links.map { key, n in
            PathLink(step: linkStep[key]!, from: name(UInt32((key >> 28) & 0xFFF_FFFF)), to: name(UInt32(key & 0xFFF_FFFF)), sessions: n)
        }.sorted { ($0.sessions, $1.step, $1.from, $1.to) > ($1.sessions, $0.step, $0.from, $0.to) }
        // Rank by sessions; only the paths tied at the cut need their names compared.
        let byCount = (0..<trie.count).filter { trie.ends[$0] > 0 }.sorted { trie.ends[$0] > trie.ends[$1] }
        let cut = byCount.count > limit ? trie.ends[byCount[limit - 1]] : 0
        let ending = byCount.prefix { trie.ends[$0] >= cut }.map { ($0, trie.labels(of: UInt32($0)).map(name)) }
            .sorted { a, b in trie.ends[a.0] != trie.ends[b.0] ? trie.ends[a.0] > trie.ends[b.0] : a.1.lexicographicallyPrecedes(b.1) }
            .map(\.0)
        let full = ending.prefix(limit).map { node in
            FullPath(labels: trie.labels(of: UInt32(node)).map(name), sessions: Int(trie.ends[node]), ranOut: Int(trie.depth[node]) < depth)
        }
        return PathAnalysis(sessions: sessions, users: users, steps: steps, links: Array(linkRows.prefix(limit * 3)), paths: full)
    }
}
