/// One pass over the events the Personyze reports read: those between two times, of the types
/// flagged, by the users asked for (read through merges). Rows are tested on raw columns, the
/// user first (by the raw ids that stand for the users asked for, so no merge is followed per
/// row), so a report over one user or one day reads only what it must.
struct PersonyzeEventPass {
    let state: TenantState
    var fromMs: Int64 = .min
    var toMs: Int64 = .max
    /// Per event type index: whether to read it; nil reads every type.
    var types: [Bool]?
    /// Only these users (canonical indexes); nil reads everyone.
    var users: Set<UInt32>?
    /// Only the users marked here (by canonical index): `users` for many of them, without hashing.
    var marked: [Bool]?
    /// Only the events with these ids; nil reads every id. Chunks holding none are skipped.
    var ids: Set<Int>?
    /// Spans of time (sorted, apart) that hold every event worth reading, as one user's sessions
    /// do: chunks that meet none are skipped. Rows are not tested against them.
    var spans: [(from: Int64, to: Int64)]?

    /// Whether some span meets the times from `lo` to `hi`.
    func spansMeet(_ lo: Int64, _ hi: Int64) -> Bool {
        guard let spans else { return true }
        // The first span ending at or after lo.
        var a = 0, b = spans.count
        while a < b { let mid = (a + b) / 2; if spans[mid].to < lo { a = mid + 1 } else { b = mid } }
        return a < spans.count && spans[a].from <= hi
    }

    /// The property `key` (an interned key id) of a property set, when it reads as a finite number.
    static func number(_ state: TenantState, _ key: UInt32?, in set: PropertySetIndex) -> Double? {
        guard let key, let v = state.propertySets.value(of: key, in: set), let parsed = Double(state.propertySets.values.string(v)), parsed.isFinite else { return nil }
        return parsed
    }

    /// Per type index, whether its name is in `names`.
    static func flags(_ state: TenantState, _ names: Set<String>) -> [Bool] {
        (0..<UInt32(state.eventTypeNames.count)).map { names.contains(state.eventTypeNames.string($0)) }
    }

    /// Per raw user id events may carry, the user asked for it stands for (itself, or the user it
    /// was merged into), or `.max`.
    func rawIDs(of users: Set<UInt32>) -> [UInt32] {
        var out = [UInt32](repeating: .max, count: state.users.count)
        for u in users where Int(u) < out.count { out[Int(u)] = u }
        return withMerges(out) { users.contains($0) }
    }

    /// `rawIDs(of:)` for users marked in a dense table (by canonical index).
    func rawIDs(marked: [Bool]) -> [UInt32] {
        var out = [UInt32](repeating: .max, count: state.users.count)
        for u in 0..<min(out.count, marked.count) where marked[u] { out[u] = UInt32(u) }
        return withMerges(out) { Int($0) < marked.count && marked[Int($0)] }
    }

    /// `out` with each merged raw id pointing at the user it was merged into, when that user is asked for.
    private func withMerges(_ out: [UInt32], asked: (UInt32) -> Bool) -> [UInt32] {
        guard state.users.mergedCount > 0 else { return out }
        var out = out
        for raw in 0..<UInt32(state.users.count) where state.users.summaries[Int(raw)].mergedInto != raw {
            let canonical = state.users.canonical(raw)
            if asked(canonical) { out[Int(raw)] = canonical }
        }
        return out
    }

    /// Calls `visit` with each kept event's columns, row, canonical user and event id (its place
    /// in the log since the tenant began, from 1), until it answers false.
    func run(_ visit: (EventColumns, Int, UInt32, Int) -> Bool) {
        // One user without merged ids is a compare per row; more are a lookup in a dense table.
        var single: (UInt32, UInt32)?
        if let users, users.count == 1, state.users.mergedCount == 0, let u = users.first { single = (u, u) }
        let raw = single == nil ? (marked.map(rawIDs(marked:)) ?? users.map(rawIDs)) : nil
        let table = state.users
        let flags = types ?? []
        let everyType = types == nil
        var base = state.log.evictedEvents
        var stopped = false
        state.log.forEachChunk { c in
            defer { base += c.count }
            guard !stopped, c.count > 0, c.maxTimestamp >= fromMs, c.minTimestamp <= toMs else { return }
            if let ids, !ids.contains(where: { $0 > base && $0 <= base + c.count }) { return }
            guard spansMeet(c.minTimestamp, c.maxTimestamp) else { return }
            let wholeSpan = c.minTimestamp >= fromMs && c.maxTimestamp <= toMs
            c.timestamps.withUnsafeBufferPointer { ts in
                c.users.withUnsafeBufferPointer { us in
                    c.types.withUnsafeBufferPointer { ty in
                        flags.withUnsafeBufferPointer { fl in
                            // The rest of the row's tests; false once `visit` asks to stop.
                            func keep(_ row: Int, _ user: UInt32) -> Bool {
                                if !everyType { let t = Int(ty[row]); guard t < fl.count, fl[t] else { return true } }
                                if !wholeSpan { guard ts[row] >= fromMs, ts[row] <= toMs else { return true } }
                                if let ids, !ids.contains(base + row + 1) { return true }
                                return visit(c, row, user, base + row + 1)
                            }
                            if let single {
                                var row = Self.nextRow(of: single.0, in: us, from: 0)
                                while row < c.count {
                                    guard keep(row, single.1) else { stopped = true; return }
                                    row = Self.nextRow(of: single.0, in: us, from: row + 1)
                                }
                                return
                            }
                            for row in 0..<c.count {
                                let id = us[row]
                                let user: UInt32
                                if let raw {
                                    guard Int(id) < raw.count, raw[Int(id)] != .max else { continue }
                                    user = raw[Int(id)]
                                } else {
                                    user = table.canonical(id)
                                }
                                guard keep(row, user) else { stopped = true; return }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The first row at or after `from` whose user id is `id`, else the count. Eight ids are
    /// compared at a time: one user's rows are few among millions, and this is the whole scan.
    static func nextRow(of id: UInt32, in users: UnsafeBufferPointer<UInt32>, from: Int) -> Int {
        var row = from
        let count = users.count
        if let base = users.baseAddress {
            let target = SIMD8<UInt32>(repeating: id)
            while row + 8 <= count {
                let block = UnsafeRawPointer(base + row).loadUnaligned(as: SIMD8<UInt32>.self)
                if any(block .== target) { break }
                row += 8
            }
        }
        while row < count, users[row] != id { row += 1 }
        return row
    }
}
