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
    static let firstSeenText = 4, lastSeenText = 5, firstSeenMs = 6, lastSeenMs = 7

    static func accepts(column: Int, op: SQLConstraint.Op) -> Bool { (column == 0 && op == .equal) || (4...7).contains(column) }

    let source: SQLSource
    init(_ source: SQLSource) { self.source = source }

    /// A user row costs about ten event rows (a summary read and its names).
    func estimate(_ used: [(column: Int, op: SQLConstraint.Op)]) -> (rows: Double, cost: Double) {
        if used.contains(where: { $0.column == 0 }) { return (1, 10) }
        var rows = Double(max(1, source.state.users.liveCount))
        if used.contains(where: { $0.column >= 4 }) { rows *= 0.25 }
        return (rows, rows * 10)
    }

    func makeCursor() -> SQLCursor { UsersCursor(source) }
}

final class UsersCursor: SQLCursor {
    private let source: SQLSource
    private var users: [UInt32] = []
    private var index = 0
    private var formatter = SQLTimestamp()

    init(_ source: SQLSource) { self.source = source }

    override func start(_ constraints: [SQLConstraint], ordering: Int32) {
        var first = SQLTimeRange(), last = SQLTimeRange()
        for constraint in constraints {
            switch constraint.column {
            case UsersTable.firstSeenText: first.narrow(text: constraint, in: source)
            case UsersTable.lastSeenText: last.narrow(text: constraint, in: source)
            case UsersTable.firstSeenMs: first.narrow(milliseconds: constraint)
            case UsersTable.lastSeenMs: last.narrow(milliseconds: constraint)
            default: break
            }
        }
        let summaries = source.state.users
        users = SQLUserSelection.users(constraints.filter { $0.column == 0 }, in: source).filter { user in
            first.contains(summaries[user].firstSeen) && last.contains(summaries[user].lastSeen)
        }
        index = 0
    }

    override func next() { index += 1 }
    override var atEnd: Bool { index >= users.count }
    override var rowID: Int64 { Int64(users[index]) }

    override func column(_ column: Int, _ result: SQLResultContext) {
        let state = source.state
        let user = users[index]
        let s = state.users[user]
        switch column {
        case 0: source.userNames.put(user, into: result)
        case 1: result.integer(s.isAnonymous ? 1 : 0)
        case 2: result.optionalText(state.externalID(of: UserIndex(user)))
        case 3:
            if s.account == AccountIndex.none.rawValue { result.null() } else { source.accountNames.put(s.account, into: result) }
        case 4: formatter.text(s.firstSeen).withUnsafeBytes { result.text($0) }
        case 5: formatter.text(s.lastSeen).withUnsafeBytes { result.text($0) }
        case 6: result.integer(s.firstSeen)
        case 7: result.integer(s.lastSeen)
        case 8: result.integer(Int64(s.eventCount))
        default: source.propertiesJSON(s.latestProperties).withUnsafeBytes { result.text($0) }
        }
    }
}

/// The users a per-user table lists: every user with events standing on its own, or the one
/// `user_id = …` names.
enum SQLUserSelection {
    /// The user `user_id = value` names, nil when no row has that user_id: a merged-away name is
    /// no row's, since rows show the user it was merged into.
    static func named(_ constraint: SQLConstraint, in source: SQLSource) -> UInt32? {
        let state = source.state
        return SQLValueText.bytes(constraint.value)
            .flatMap { bytes in bytes.withUnsafeBytes { state.userNames.lookup($0) } }
            .flatMap { state.users[$0].isKnown(id: Int($0)) ? $0 : nil }
    }

    static func users(_ constraints: [SQLConstraint], in source: SQLSource) -> [UInt32] {
        let state = source.state
        var named: UInt32?? = nil
        for constraint in constraints where constraint.column == 0 {
            let user = Self.named(constraint, in: source)
            if case .some(let already) = named, already != user { named = .some(nil) } else { named = .some(user) }
        }
        if case .some(let one) = named { return one.map { [$0] } ?? [] }
        return (0..<state.users.count).compactMap { state.users[UInt32($0)].isKnown(id: $0) ? UInt32($0) : nil }
    }
}
