/// One pass over the events the Personyze reports read: those between two times, of the types
/// flagged, by the users asked for (read through merges). Rows are tested on raw columns, so a
/// report over one user or one day reads only what it must.
struct PersonyzeEventPass {
    let state: TenantState
    var fromMs: Int64 = .min
    var toMs: Int64 = .max
    /// Per event type index: whether to read it; nil reads every type.
    var types: [Bool]?
    /// Only these users (canonical indexes); nil reads everyone.
    var users: Set<UInt32>?

    /// Per type index, whether its name is in `names`.
    static func flags(_ state: TenantState, _ names: Set<String>) -> [Bool] {
        (0..<UInt32(state.eventTypeNames.count)).map { names.contains(state.eventTypeNames.string($0)) }
    }

    /// Calls `visit` with each kept event's columns, row, canonical user and event id (its place
    /// in the log since the tenant began, from 1).
    func run(_ visit: (EventColumns, Int, UInt32, Int) -> Void) {
        let single = users?.count == 1 ? users!.first! : nil
        var base = state.log.evictedEvents
        state.log.forEachChunk { c in
            defer { base += c.count }
            guard c.count > 0, c.maxTimestamp >= fromMs, c.minTimestamp <= toMs else { return }
            c.timestamps.withUnsafeBufferPointer { ts in
                c.users.withUnsafeBufferPointer { us in
                    c.types.withUnsafeBufferPointer { ty in
                        for row in 0..<c.count {
                            if let types { let t = Int(ty[row]); guard t < types.count, types[t] else { continue } }
                            let raw = us[row]
                            if let single, raw != single, state.users.canonical(raw) != single { continue }
                            guard ts[row] >= fromMs, ts[row] <= toMs else { continue }
                            let user = state.users.canonical(raw)
                            if single == nil, let users, !users.contains(user) { continue }
                            visit(c, row, user, base + row + 1)
                        }
                    }
                }
            }
        }
    }
}
