import CIngest

/// Per-user session state for the path pass: cuts each user's events into sessions, finds the
/// first anchor of each, and hands the events next to it to a `PathRecorder`. A struct used as
/// a local variable (no dynamic exclusivity checks), with one record per user in memory it owns
/// (no copy-on-write checks); `deallocate()` frees it.
struct PathWalker<Recorder: PathRecorder> {
    /// Marks the anchor in a label set aside for sorting.
    static var anchorBit: UInt32 { 1 << 31 }

    struct UserState {
        var lastTs: Int64 = .min
        /// The time of the user's next late event not yet seen, or Int64.max.
        var nextLateTs: Int64 = .max
        var memory: Recorder.Memory
        /// 0: no anchor yet in this session; 1: anchored, collecting (forward); 2: done for this session.
        var phase: UInt8 = 0
        /// Events recorded in this session: after the anchor (forward), before it (backward, at most depth).
        var collected: UInt8 = 0
        var counted = false
    }

    let depth: Int
    let direction: TenantState.PathDirection
    var recorder: Recorder
    var sessions = 0
    var users = 0
    private let state: UnsafeMutableBufferPointer<UserState>
    /// Late events, by user then time; the anchor flag rides in `type`'s top bit.
    private let late: [(user: UInt32, ts: Int64, tag: UInt32)]
    /// Per user, the index in `late` of the next late event (read only when `nextLateTs` says there is one).
    private var lateNext: [UInt32]

    init(recorder: Recorder, userCount: Int, depth: Int, direction: TenantState.PathDirection, late: [(user: UInt32, ts: Int64, tag: UInt32)]) {
        self.recorder = recorder; self.depth = depth; self.direction = direction; self.late = late
        state = .allocate(capacity: userCount)
        state.initialize(repeating: UserState(memory: recorder.empty))
        lateNext = [UInt32](repeating: 0, count: late.isEmpty ? 0 : userCount)
        for i in late.indices.reversed() { state[Int(late[i].user)].nextLateTs = late[i].ts; lateNext[Int(late[i].user)] = UInt32(i) }
    }

    func deallocate() { state.deallocate() }

    /// Feeds one chunk's events in [from, to) through `observeInLogOrder`, as a plain loop (no
    /// closure per row) that prefetches the state of the user a few rows ahead.
    /// - Parameters:
    ///   - canonicalOf: merged ids to their user; nil when there are no merges.
    ///   - wanted: a bitset of the users who did the anchor; the others' events are skipped.
    ///   - pageLabelsFrom: when labels are pages, the label of page 0 (pages follow the types).
    mutating func scan(_ chunk: EventColumns, from startMs: Int64, to endMs: Int64, anchor: UInt32, canonicalOf: [UInt32]?,
                       wanted: [UInt64], pageLabelsFrom: UInt32?) {
        let ahead = TenantState.prefetchDistance
        chunk.timestamps.withUnsafeBufferPointer { timestamps in
        chunk.users.withUnsafeBufferPointer { rowUsers in
        chunk.types.withUnsafeBufferPointer { types in
        chunk.pages.withUnsafeBufferPointer { pages in
        wanted.withUnsafeBufferPointer { wanted in
        (canonicalOf ?? []).withUnsafeBufferPointer { canonical in
            let merged = canonicalOf != nil
            let n = timestamps.count
            for row in 0..<n {
                if row + ahead < n {
                    let next = merged ? canonical[Int(rowUsers[row + ahead])] : rowUsers[row + ahead]
                    ci_prefetch(state.baseAddress! + Int(next))
                }
                let ts = timestamps[row]
                guard ts >= startMs, ts < endMs else { continue }
                let u = merged ? canonical[Int(rowUsers[row])] : rowUsers[row]
                guard wanted[Int(u >> 6)] & (1 << UInt64(u & 63)) != 0 else { continue }
                let type = types[row]
                var label = type
                if let base = pageLabelsFrom, pages[row] != PageIndex.none.rawValue { label = base + pages[row] }
                observeInLogOrder(user: u, ts: ts, label: label, isAnchor: type == anchor)
            }
        }
        }
        }
        }
        }
        }
    }

    /// One event in log order. A late event was seen (in time order) before the on-time event
    /// that follows it, so here it is skipped: its time is behind the user's latest.
    @inline(__always)
    mutating func observeInLogOrder(user: UInt32, ts: Int64, label: UInt32, isAnchor: Bool) {
        let u = Int(user)
        var s = state[u]
        if ts < s.lastTs { return }
        while s.nextLateTs < ts {
            let e = late[Int(lateNext[u])]
            step(u, &s, ts: e.ts, label: e.tag & ~Self.anchorBit, isAnchor: e.tag & Self.anchorBit != 0)
            let next = Int(lateNext[u]) + 1
            if next < late.count && late[next].user == user { lateNext[u] = UInt32(next); s.nextLateTs = late[next].ts } else { s.nextLateTs = .max }
        }
        step(u, &s, ts: ts, label: label, isAnchor: isAnchor)
        state[u] = s
    }

    @inline(__always)
    private mutating func step(_ u: Int, _ s: inout UserState, ts: Int64, label: UInt32, isAnchor: Bool) {
        if s.lastTs == .min || ts - s.lastTs > TenantState.sessionGapMs {
            if direction == .forward && s.phase == 1 { recorder.end(s.memory, length: Int(s.collected)) }
            s.phase = 0; s.collected = 0; s.memory = recorder.empty
        }
        s.lastTs = ts
        if s.phase == 2 { return }
        switch direction {
        case .forward:
            if s.phase == 1 {
                recorder.append(&s.memory, label, at: Int(s.collected), user: u)
                s.collected += 1
                if Int(s.collected) == depth { recorder.end(s.memory, length: depth); s.phase = 2 }
            } else if isAnchor {
                startAnchor(&s)
                s.phase = 1
            }
        case .backward:
            if isAnchor {
                startAnchor(&s)
                recorder.endBackward(s.memory, length: Int(s.collected), user: u)
                s.phase = 2
            } else {
                recorder.remember(&s.memory, label, user: u)
                if Int(s.collected) < depth { s.collected += 1 }
            }
        }
    }

    @inline(__always)
    private mutating func startAnchor(_ s: inout UserState) {
        sessions += 1
        if !s.counted { s.counted = true; users += 1 }
    }

    /// Sessions still open at the end of the range end there.
    mutating func finish() {
        guard direction == .forward else { return }
        for u in 0..<state.count where state[u].phase == 1 { recorder.end(state[u].memory, length: Int(state[u].collected)); state[u].phase = 2 }
    }
}

/// What a path walk keeps per user and where finished paths go.
protocol PathRecorder {
    associatedtype Memory
    var empty: Memory { get }
    /// Forward: the `index`-th event after the anchor.
    mutating func append(_ memory: inout Memory, _ label: UInt32, at index: Int, user: Int)
    /// Forward: the path of `length` events is complete (full, or the session ended).
    mutating func end(_ memory: Memory, length: Int)
    /// Backward: an event before any anchor in the session.
    mutating func remember(_ memory: inout Memory, _ label: UInt32, user: Int)
    /// Backward: the anchor came; the last `length` remembered events, nearest first, are its path.
    mutating func endBackward(_ memory: Memory, length: Int, user: Int)
    /// The finished paths as a trie.
    func trie() -> PathTrie
}

/// Paths of up to 4 steps with labels below 2^15, packed in one UInt64 (15 bits a label, the
/// length in the top bits) and counted in one hash table: one probe per finished path.
struct PackedPathRecorder: PathRecorder {
    static let labelBits: UInt64 = 15
    static let maxDepth = 4
    static let labelLimit: UInt32 = 1 << 15
    let depth: Int
    private var counts = PathCounts()

    init(depth: Int) { self.depth = depth }

    var empty: UInt64 { 0 }

    @inline(__always)
    mutating func append(_ memory: inout UInt64, _ label: UInt32, at index: Int, user: Int) {
        memory |= UInt64(label) << (Self.labelBits * UInt64(index))
    }

    @inline(__always)
    mutating func end(_ memory: UInt64, length: Int) { counts.add(memory | UInt64(length) << 60) }

    @inline(__always)
    mutating func remember(_ memory: inout UInt64, _ label: UInt32, user: Int) {
        // Newest in the low bits: reading upward is nearest-first.
        memory = (memory << Self.labelBits | UInt64(label)) & ((1 << (Self.labelBits * UInt64(depth))) - 1)
    }

    @inline(__always)
    mutating func endBackward(_ memory: UInt64, length: Int, user: Int) {
        let kept = length == 0 ? 0 : memory & ((1 << (Self.labelBits * UInt64(length))) - 1)
        counts.add(kept | UInt64(length) << 60)
    }

    func trie() -> PathTrie {
        var trie = PathTrie()
        counts.forEach { key, n in
            var node = PathTrie.root
            for i in 0..<Int(key >> 60) { node = trie.child(node, UInt32((key >> (Self.labelBits * UInt64(i))) & ((1 << Self.labelBits) - 1))) }
            trie.ends[Int(node)] += Int32(n)
        }
        return trie
    }
}

/// Any depth and any label: the path so far is a trie node (forward) or a ring of labels per
/// user (backward).
struct TriePathRecorder: PathRecorder {
    let depth: Int
    private var paths = PathTrie()
    private let ring: UnsafeMutableBufferPointer<UInt32>
    private let ringNext: UnsafeMutableBufferPointer<UInt8>

    init(depth: Int, userCount: Int, backward: Bool) {
        self.depth = depth
        ring = .allocate(capacity: backward ? userCount * depth : 0); ring.initialize(repeating: 0)
        ringNext = .allocate(capacity: backward ? userCount : 0); ringNext.initialize(repeating: 0)
    }

    func deallocate() { ring.deallocate(); ringNext.deallocate() }

    var empty: UInt32 { PathTrie.root }

    mutating func append(_ memory: inout UInt32, _ label: UInt32, at index: Int, user: Int) { memory = paths.child(memory, label) }

    mutating func end(_ memory: UInt32, length: Int) { paths.ends[Int(memory)] += 1 }

    mutating func remember(_ memory: inout UInt32, _ label: UInt32, user: Int) {
        // `memory` counts events since the session began, so a new session restarts the ring.
        let position = memory == 0 ? 0 : Int(ringNext[user])
        ring[user * depth + position] = label
        ringNext[user] = position + 1 == depth ? 0 : UInt8(position + 1)
        memory &+= 1
    }

    mutating func endBackward(_ memory: UInt32, length: Int, user: Int) {
        var node = PathTrie.root
        var position = Int(ringNext[user])
        for _ in 0..<length {
            position = position == 0 ? depth - 1 : position - 1
            node = paths.child(node, ring[user * depth + position])
        }
        paths.ends[Int(node)] += 1
    }

    func trie() -> PathTrie { paths }
}

/// Counts per UInt64 key in an open-addressing table.
struct PathCounts {
    private var keys = [UInt64](repeating: .max, count: 1 << 12)
    private var values = [Int](repeating: 0, count: 1 << 12)
    private var used = 0

    @inline(__always)
    mutating func add(_ key: UInt64) {
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & (keys.count - 1)
        while keys[i] != key {
            if keys[i] == .max {
                keys[i] = key; used += 1
                if used * 2 > keys.count { grow(); add(key); return }
                break
            }
            i = (i + 1) & (keys.count - 1)
        }
        values[i] += 1
    }

    private mutating func grow() {
        let old = zip(keys, values).filter { $0.0 != .max }
        keys = [UInt64](repeating: .max, count: keys.count * 2); values = [Int](repeating: 0, count: keys.count); used = 0
        for (key, value) in old {
            var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & (keys.count - 1)
            while keys[i] != .max { i = (i + 1) & (keys.count - 1) }
            keys[i] = key; values[i] = value; used += 1
        }
    }

    func forEach(_ body: (UInt64, Int) -> Void) {
        for i in keys.indices where keys[i] != .max { body(keys[i], values[i]) }
    }
}
