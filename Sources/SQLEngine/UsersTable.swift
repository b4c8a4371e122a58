import Runtime

/// `users_v1`: one row per user with events (after identity merges). `user_id = …` reads one
/// user instead of all.
final class UsersTable: SQLTable {
    static let name = "users_v1"
    static let summary = "Unique users, one row each, with what their events say about them"
    static let columns: [SQLColumn] = [
        SQLColumn(name: "user_id", type: .text, description: "The user"),
        SQLColumn(name: "anonymous", type: .integer, description: "1 when the user is known only by an anonymous id"),
        SQLColumn(name: "external_id", type: .text, description: "The latest `external_id` sent for the user, NULL when none"),
        SQLColumn(name: "account_id", type: .text, description: "The account of the user's latest event, NULL when none"),
        SQLColumn(name: "first_seen", type: .text, description: "The user's first event, UTC text"),
        SQLColumn(name: "last_seen", type: .text, description: "The user's latest event, UTC text"),
        SQLColumn(name: "first_seen_ms", type: .integer, description: "The user's first event, epoch milliseconds"),
        SQLColumn(name: "last_seen_ms", type: .integer, description: "The user's latest event, epoch milliseconds"),
        SQLColumn(name: "event_count", type: .integer, description: "Events ever counted for the user (retention does not lower it)"),
        SQLColumn(name: "properties", type: .text, description: "The properties of the user's latest event, a JSON object"),
    ]

    static func accepts(column: Int, op: SQLConstraint.Op) -> Bool { column == 0 && op == .equal }

    let source: SQLSource
    init(_ source: SQLSource) { self.source = source }
    var estimatedRows: Int { source.state.users.liveCount }

    func makeCursor() -> SQLCursor {
        let source = source
        return SQLRowsCursor { constraints in
            let state = source.state
            let users = SQLUserSelection.users(constraints, in: source)
            var rows: [[SQLValue]] = []
            rows.reserveCapacity(users.count)
            for user in users {
                if rows.count & 4095 == 0, source.timeUp() { break }
                let s = state.users[user]
                rows.append([
                    .text(state.userNames.string(user)), .integer(s.isAnonymous ? 1 : 0),
                    .text(state.externalID(of: UserIndex(user))),
                    .text(s.account == AccountIndex.none.rawValue ? nil : state.accountNames.string(s.account)),
                    .timestamp(s.firstSeen), .timestamp(s.lastSeen), .integer(s.firstSeen), .integer(s.lastSeen),
                    .integer(Int64(s.eventCount)),
                    .text(String(decoding: source.propertiesJSON(s.latestProperties), as: UTF8.self)),
                ])
            }
            return rows
        }
    }
}

/// The users a per-user table lists: every user with events standing on its own, or the one
/// `user_id = …` names.
enum SQLUserSelection {
    static func users(_ constraints: [SQLConstraint], in source: SQLSource) -> [UInt32] {
        let state = source.state
        var named: UInt32?? = nil
        for constraint in constraints where constraint.column == 0 {
            // A merged-away name is no row's user_id: rows show the user it was merged into.
            let user = SQLValueText.bytes(constraint.value)
                .flatMap { bytes in bytes.withUnsafeBytes { state.userNames.lookup($0) } }
                .flatMap { state.users[$0].isKnown(id: Int($0)) ? $0 : nil }
            if case .some(let already) = named, already != user { named = .some(nil) } else { named = .some(user) }
        }
        if case .some(let one) = named { return one.map { [$0] } ?? [] }
        return (0..<state.users.count).compactMap { state.users[UInt32($0)].isKnown(id: $0) ? UInt32($0) : nil }
    }
}
