/// `summary_actions` (docs/personyze.md, "Reports"): per day (00:00 in the tenant's time zone)
/// and nudge, from the nudge's tracked history: impressions as executed and delivered, clicks as
/// extra, dismissals as closed, each also as distinct sessions; and the purchases made in a
/// session after the nudge was shown in it. Beacon's nudges recommend no products or articles,
/// so the recommendation columns are 0.
public enum PersonyzeSummaryActions {
    public static let indexed: Set<String> = ["day"]

    struct Key: Hashable { var day: DayNumber; var nudge: Int }
    struct SessionKey: Hashable { var user: UInt32; var startMs: Int64 }
    struct Tally {
        var executed = 0, extra = 0, closed = 0
        var executedSessions: Set<SessionKey> = [], extraSessions: Set<SessionKey> = [], closedSessions: Set<SessionKey> = []
        /// Per session the action ran in, when it first ran there.
        var shownIn: [SessionKey: Int64] = [:]
        var goals = 0, goalSessions: Set<SessionKey> = [], goalValue = 0.0
    }

    static func session(_ state: TenantState, user: UInt32, at ts: Int64) -> SessionKey {
        let u = state.users.canonical(user)
        return SessionKey(user: u, startMs: state.sessionIndex.session(of: u, at: ts)?.span.startMs ?? ts)
    }

    public static func rows(_ state: TenantState, _ query: RowQuery, budget: inout Int) throws(RowQueryTooLarge) -> [Row] {
        let (fromMs, toMs) = query.millisecondBounds(of: "day", spanMs: 86_400_000) ?? (.min, .max)
        if fromMs > toMs { return [] }
        var tallies: [Key: Tally] = [:]
        for nudge in state.nudges.byID.values {
            for event in nudge.history where event.atMs >= fromMs && event.atMs <= toMs {
                budget -= 1
                if budget < 0 { throw RowQueryTooLarge() }
                let key = Key(day: state.day(of: event.atMs), nudge: nudge.id)
                let s = session(state, user: event.user, at: event.atMs)
                switch event.action {
                case .impression:
                    tallies[key, default: Tally()].executed += 1
                    tallies[key]!.executedSessions.insert(s)
                    tallies[key]!.shownIn[s] = min(tallies[key]!.shownIn[s] ?? .max, event.atMs)
                case .click:
                    tallies[key, default: Tally()].extra += 1
                    tallies[key]!.extraSessions.insert(s)
                case .dismiss:
                    tallies[key, default: Tally()].closed += 1
                    tallies[key]!.closedSessions.insert(s)
                }
            }
        }
        // Purchases in sessions an action ran in, after it first ran there.
        var keysBySession: [SessionKey: [Key]] = [:]
        for (key, tally) in tallies { for s in tally.shownIn.keys { keysBySession[s, default: []].append(key) } }
        if !keysBySession.isEmpty {
            var pass = PersonyzeEventPass(state: state, fromMs: fromMs, toMs: toMs > Int64.max - TenantState.sessionGapMs ? .max : toMs + TenantState.sessionGapMs)
            pass.types = PersonyzeEventPass.flags(state, [ProductStatsIndex.Metric.goal.eventType])
            pass.users = Set(keysBySession.keys.map(\.user))
            let amountKey = state.propertySets.keys.lookup("amount"), quantityKey = state.propertySets.keys.lookup("quantity")
            pass.run { c, row, user, _ in
                let ts = c.timestamps[row]
                let s = session(state, user: user, at: ts)
                guard let keys = keysBySession[s] else { return true }
                let set = PropertySetIndex(c.propertySets[row])
                let amount = PersonyzeEventPass.number(state, amountKey, in: set) ?? 0
                // Each item counts: an order of three adds three. Clamped before the conversion, so
                // a stored quantity of 1e300 cannot trap it.
                let items = Int(max(1, min(1_000_000, PersonyzeEventPass.number(state, quantityKey, in: set) ?? 1)))
                for key in keys where tallies[key]!.shownIn[s]! <= ts {
                    tallies[key]!.goals += items; tallies[key]!.goalSessions.insert(s); tallies[key]!.goalValue += amount
                }
                return true
            }
        }
        let zero: [String] = ["n_failed", "n_sessions_failed", "products_recom_viewed_n_times", "products_recom_viewed_n_sessions",
                              "products_recom_extra_n_times", "products_recom_extra_n_sessions", "products_recom_extra_value",
                              "products_recom_goal_n_times", "products_recom_goal_n_sessions", "products_recom_goal_value",
                              "articles_recom_viewed_n_times", "articles_recom_viewed_n_sessions", "articles_recom_extra_n_times",
                              "articles_recom_extra_n_sessions", "articles_recom_extra_value", "articles_recom_goal_n_times",
                              "articles_recom_goal_n_sessions", "articles_recom_goal_value"]
        let rows: [Row] = tallies.keys.sorted { $0.day != $1.day ? $0.day < $1.day : $0.nudge < $1.nudge }.map { key in
            let t = tallies[key]!, nudge = state.nudges.byID[key.nudge]!
            var row: Row = [
                "day": .int(state.calendar.startMs(of: key.day) / 1000), "action_id": .int(Int64(key.nudge)), "action_name": .text(nudge.title),
                "campaign_id": nudge.targetSegment.map { .int(Int64($0)) } ?? .null,
                "campaign_name": nudge.targetSegment.flatMap { state.segments.byID[$0]?.name }.map(RowValue.text) ?? .null,
                "n_executed": .int(Int64(t.executed)), "n_delivered": .int(Int64(t.executed)), "n_extra": .int(Int64(t.extra)), "n_closed": .int(Int64(t.closed)),
                "n_sessions_executed": .int(Int64(t.executedSessions.count)), "n_sessions_delivered": .int(Int64(t.executedSessions.count)),
                "n_sessions_extra": .int(Int64(t.extraSessions.count)), "n_sessions_closed": .int(Int64(t.closedSessions.count)),
                "products_goal_n_times": .int(Int64(t.goals)), "products_goal_n_sessions": .int(Int64(t.goalSessions.count)),
                "products_goal_value": .double(t.goalValue),
            ]
            for column in zero { row[column] = .int(0) }
            return row
        }
        return query.select(rows)
    }
}
