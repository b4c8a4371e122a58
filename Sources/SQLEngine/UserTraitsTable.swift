import Runtime

/// `user_traits_v1`: one row per user and trait: the properties set for the user through the
/// API (`source` = `profile`) and those of the user's latest event (`source` = `event`), a
/// profile value hiding the event's value of the same key. `user_id = …` reads one user.
final class UserTraitsTable: SQLTable {
    static let name = "user_traits_v1"
    static let summary = "User properties set through identify and the profile API, one row per user and key"
    static let columns: [SQLColumn] = [
        SQLColumn(name: "user_id", type: .text, description: "The user"),
        SQLColumn(name: "key", type: .text, description: "The property"),
        SQLColumn(name: "value", type: .text, description: "Its value"),
        SQLColumn(name: "source", type: .text, description: "`profile` (set through the API) or `event` (the user's latest event)"),
    ]

    static func accepts(column: Int, op: SQLConstraint.Op) -> Bool { column == 0 && op == .equal }

    let source: SQLSource
    init(_ source: SQLSource) { self.source = source }
    func estimate(_ used: [(column: Int, op: SQLConstraint.Op)]) -> (rows: Double, cost: Double) {
        let rows = used.isEmpty ? Double(max(1, source.state.users.liveCount * 4)) : 4
        return (rows, rows * 20)
    }

    func makeCursor() -> SQLCursor {
        let source = source
        return SQLRowsCursor { constraints in
            let state = source.state
            var rows: [[SQLValue]] = []
            for (n, user) in SQLUserSelection.users(constraints, in: source).enumerated() {
                if n & 4095 == 0, source.timeUp() { break }
                let name = SQLValue.text(state.userNames.string(user))
                let profile = state.profiles.user(user).properties
                for key in profile.keys.sorted() { rows.append([name, .text(key), .text(profile[key]!), .text("profile")]) }
                let latest = state.propertySets.decoded(PropertySetIndex(state.users[user].latestProperties))
                for key in latest.keys.sorted() where profile[key] == nil {
                    rows.append([name, .text(key), .text(latest[key]!), .text("event")])
                }
            }
            return rows
        }
    }
}
