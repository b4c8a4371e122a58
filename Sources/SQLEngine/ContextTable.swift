import Runtime

/// `context_v1`: device and session context, one row per session: a user's events with no gap
/// over 30 minutes (the cut the sessions series and paths use), with the device and place of
/// its first event. Comparisons on `started_at`/`started_ms` narrow the scan (it reads from 30
/// minutes before the earliest start, so every session is whole); `user_id = …` keeps one user.
final class ContextTable: SQLTable {
    static let name = "context_v1"
    static let summary = "Device and session context, one row per session (30 minutes without an event ends one)"
    static let columns: [SQLColumn] = [
        SQLColumn(name: "session_id", type: .text, description: "`<user_id>:<started_ms>`"),
        SQLColumn(name: "user_id", type: .text, description: "The user"),
        SQLColumn(name: "started_at", type: .text, description: "The session's first event, UTC text"),
        SQLColumn(name: "ended_at", type: .text, description: "The session's last event, UTC text"),
        SQLColumn(name: "started_ms", type: .integer, description: "The session's first event, epoch milliseconds"),
        SQLColumn(name: "ended_ms", type: .integer, description: "The session's last event, epoch milliseconds"),
        SQLColumn(name: "duration_seconds", type: .real, description: "From the first event to the last"),
        SQLColumn(name: "events", type: .integer, description: "Events in the session"),
        SQLColumn(name: "entry_page", type: .text, description: "The first page seen in the session, NULL when none"),
        SQLColumn(name: "exit_page", type: .text, description: "The last page seen in the session, NULL when none"),
    ] + SQLContextField.allCases.map { field in
        SQLColumn(name: field.column, type: .text, description: "From the session's first event: " + field.sqlColumn.description)
    }
    static let userColumn = 1, startedTextColumn = 2, startedMsColumn = 4, contextStart = 10

    static func accepts(column: Int, op: SQLConstraint.Op) -> Bool {
        column == startedTextColumn || column == startedMsColumn || (column == userColumn && op == .equal)
    }

    let source: SQLSource
    init(_ source: SQLSource) { self.source = source }
    /// Gathered from the events from the earliest start on, grouped and cut per user.
    func estimate(_ used: [(column: Int, op: SQLConstraint.Op)]) -> (rows: Double, cost: Double) {
        let events = Double(max(1, source.state.log.count)) * (used.contains { $0.column != Self.userColumn } ? 0.25 : 1)
        return (events / 8 / (used.contains { $0.column == Self.userColumn } ? Double(max(1, source.state.users.liveCount)) : 1), events * 5)
    }

    func makeCursor() -> SQLCursor {
        let source = source
        return SQLRowsCursor { constraints in Self.sessions(constraints, source) }
    }

    private static func sessions(_ constraints: [SQLConstraint], _ source: SQLSource) -> [[SQLValue]] {
        let state = source.state
        var range = SQLTimeRange()
        var onlyUser: UInt32?
        for constraint in constraints {
            switch constraint.column {
            case startedTextColumn: range.narrow(text: constraint, in: source)
            case startedMsColumn: range.narrow(milliseconds: constraint)
            default:
                guard let user = SQLUserSelection.users([constraint], in: source).first, onlyUser == nil || onlyUser == user else { return [] }
                onlyUser = user
            }
        }
        guard !range.isEmpty else { return [] }
        // A start bound near Int64.min reads from the beginning (no overflow).
        let scanFrom = range.startMs < Int64.min + TenantState.sessionGapMs ? Int64.min : range.startMs - TenantState.sessionGapMs
        // Every event from `scanFrom` on, as (user, time, global row), then grouped by user.
        var users: [UInt32] = [], times: [Int64] = [], refs: [Int] = []
        var chunkColumns: [EventColumns] = []
        var stopped = false
        state.log.forEachChunk { chunk in
            guard !stopped, chunk.count > 0, chunk.maxTimestamp >= scanFrom else { return }
            if source.timeUp() { stopped = true; return }
            let base = chunkColumns.count << 16
            chunkColumns.append(chunk)
            for row in 0..<chunk.count where chunk.timestamps[row] >= scanFrom {
                let user = source.canonical(chunk.users[row])
                if let onlyUser, user != onlyUser { continue }
                users.append(user); times.append(chunk.timestamps[row]); refs.append(base | row)
            }
        }
        if stopped { return [] }
        var offsets = [Int](repeating: 0, count: state.users.count + 1)
        for u in users { offsets[Int(u) + 1] += 1 }
        for i in 1..<offsets.count { offsets[i] += offsets[i - 1] }
        var order = [Int](repeating: 0, count: users.count)
        var next = offsets
        for (i, u) in users.enumerated() { order[next[Int(u)]] = i; next[Int(u)] += 1 }
        var reader = SQLContextReader(state)
        var rows: [[SQLValue]] = []
        func page(_ ref: Int) -> UInt32 { chunkColumns[ref >> 16].pages[ref & 0xFFFF] }
        func emit(_ user: UInt32, _ session: ArraySlice<Int>) {
            let start = times[session.first!], end = times[session.last!]
            guard range.contains(start) else { return }
            let pages = session.map { page(refs[$0]) }.filter { $0 != PageIndex.none.rawValue }
            let firstSet = { let r = refs[session.first!]; return chunkColumns[r >> 16].propertySets[r & 0xFFFF] }()
            let name = state.userNames.string(user)
            var row: [SQLValue] = [
                .text("\(name):\(start)"), .text(name), .timestamp(start), .timestamp(end), .integer(start), .integer(end),
                .real(Double(end - start) / 1000), .integer(Int64(session.count)),
                .text(pages.first.map { state.pageNames.string($0) }), .text(pages.last.map { state.pageNames.string($0) }),
            ]
            for field in SQLContextField.allCases {
                let v = reader.value(field, set: firstSet, in: state)
                row.append(v == SQLContextReader.absent ? .null : .text(state.propertySets.values.string(v)))
            }
            rows.append(row)
        }
        for u in 0..<state.users.count where offsets[u] < offsets[u + 1] {
            if u & 4095 == 0, source.timeUp() { return [] }
            var mine = Array(order[offsets[u]..<offsets[u + 1]])
            mine.sort { times[$0] != times[$1] ? times[$0] < times[$1] : $0 < $1 }
            var sessionStart = 0
            for k in 1..<max(1, mine.count) where times[mine[k]] - times[mine[k - 1]] > TenantState.sessionGapMs {
                emit(UInt32(u), mine[sessionStart..<k]); sessionStart = k
            }
            emit(UInt32(u), mine[sessionStart...])
        }
        return rows
    }
}
