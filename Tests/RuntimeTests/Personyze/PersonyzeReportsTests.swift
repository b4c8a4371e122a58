import Foundation
import Testing
@testable import Runtime

/// The Personyze reports against plain passes over the generated events they come from:
/// sessions (a hand sessionization), product counters per window (a hand count by day),
/// interests (the weights and decay applied event by event) and the interactions view.
@Suite struct PersonyzeReportsTests {
    struct Rng { var s: UInt64; mutating func next(_ n: Int) -> Int { s = s &* 6364136223846793005 &+ 1442695040888963407; return Int((s >> 33) % UInt64(n)) } }

    static let base: Int64 = 1_790_000_000_000 - 1_790_000_000_000 % 86_400_000
    static let types = ["page_view", "click", "login", "product_viewed", "product_delivered", "product_added", "product_favorited",
                        "product_purchased", "article_viewed", "article_liked"]

    struct Generated { var state: TenantState; var events: [EventInput] }

    /// 40 users over 12 days, bursts of events with gaps below and above 30 minutes, out of order.
    static func generate(seed: UInt64) throws -> Generated {
        var rng = Rng(s: seed)
        var events: [EventInput] = []
        for u in 0..<40 {
            var t = base + Int64(rng.next(12 * 86_400)) * 1000
            for _ in 0..<(5 + rng.next(60)) {
                t += Int64([5, 60, 600, 1_799, 1_800, 1_801, 4_000, 90_000][rng.next(8)]) * 1000
                let type = types[rng.next(types.count)]
                var properties: [EventInput.Property] = []
                if type.hasPrefix("product_") {
                    properties.append(.init("product_id", "SKU-\(rng.next(15))"))
                    if type == "product_purchased" { properties += [.init("quantity", String(1 + rng.next(3))), .init("amount", "\(rng.next(100)).5")] }
                }
                if type.hasPrefix("article_") { properties.append(.init("article_id", "art-\(rng.next(4))")) }
                events.append(EventInput(eventType: type, user: "u\(u)", page: type == "page_view" ? "/p\(rng.next(3))" : nil, timestampMs: t, properties: properties))
            }
        }
        // Arrival order is not time order.
        for i in stride(from: events.count - 1, to: 0, by: -1) { events.swapAt(i, rng.next(i + 1)) }
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let now = base + 40 * 86_400_000
        for batch in stride(from: 0, to: events.count, by: 500) {
            _ = state.applyValidated(Array(events[batch..<min(events.count, batch + 500)]), nowMs: now, anonymousID: nil)
        }
        var products: [PersonyzeEdit.RowWrite] = []
        for p in 0..<12 {   // SKU-12…14 have events but no catalogue row
            products.append(.init(id: p + 1, values: ["internal_id": .text("SKU-\(p)"), "category": .text("cat\(p % 3)"), "tags": .text(p % 2 == 0 ? "x, y" : "y,,z")]))
        }
        products.append(.init(id: 99, values: ["internal_id": .text("SKU-never"), "category": .text("none")]))
        try state.apply(PersonyzeEdit.putRows(.products, products, nowMs: now))
        try state.apply(PersonyzeEdit.putRows(.articles, (0..<3).map { .init(id: $0 + 1, values: ["internal_id": .text("art-\($0)"), "category": .text("guides"), "tags": .text("x")]) }, nowMs: now))
        return Generated(state: state, events: events)
    }

    struct Session: Equatable { var start: Int64; var end: Int64; var pageViews: Int; var goals: Int; var events: Int }

    /// Sessions by hand: each user's events in time order, a new one after a gap over 30 minutes.
    static func sessions(_ events: [EventInput]) -> [String: [Session]] {
        var out: [String: [Session]] = [:]
        for (user, mine) in Dictionary(grouping: events, by: { $0.user! }) {
            var list: [Session] = []
            for e in mine.sorted(by: { $0.timestampMs! < $1.timestampMs! }) {
                let t = e.timestampMs!
                if let last = list.last, t - last.end <= 1_800_000 { list[list.count - 1].end = t } else { list.append(Session(start: t, end: t, pageViews: 0, goals: 0, events: 0)) }
                list[list.count - 1].events += 1
                if e.eventType == "page_view" { list[list.count - 1].pageViews += 1 }
                if e.eventType == "product_purchased" { list[list.count - 1].goals += 1 }
            }
            out[user] = list
        }
        return out
    }

    static func userID(_ state: TenantState, _ name: String) -> Int { PersonyzeUsers(state).id(ofInternalID: name)! + 1 }

    @Test(arguments: [UInt64(1), 2, 3])
    func sessionsMatchAHandSessionization(seed: UInt64) throws {
        let g = try Self.generate(seed: seed)
        let expected = Self.sessions(g.events)
        var budget = Int.max
        for (user, sessions) in expected {
            let id = Self.userID(g.state, user)
            let query = RowQuery(conditions: [[.init(column: "user_id", op: .equal, values: [String(id)])]], orderBy: ["session_start_time"])
            let rows = try PersonyzeSessions.rows(g.state, query, budget: &budget).rows
            let got = rows.map { r in
                Session(start: Self.int(r["session_start_time"]) * 1000, end: Self.int(r["last_session_time"]) * 1000, pageViews: Int(Self.int(r["total_visits"])),
                        goals: Int(Self.int(r["total_n_goals"])), events: Int(Self.int(r["n_events"])))
            }
            #expect(got == sessions.map { Session(start: $0.start / 1000 * 1000, end: $0.end / 1000 * 1000, pageViews: $0.pageViews, goals: $0.goals, events: $0.events) }, "\(user)")
            #expect(rows.map { Self.int($0["first_visit_id"]) } == (1...sessions.count).map { Int64(id) * 1_000_000 + Int64($0) })
        }
        // A day's sessions: those that start in it, whoever had them.
        let day = Self.base + 5 * 86_400_000
        let q = RowQuery(conditions: [[.init(column: "session_start_time", op: .greaterOrEqual, values: [String(day / 1000)]),
                                       .init(column: "session_start_time", op: .less, values: [String(day / 1000 + 86_400)])]])
        let rows = try PersonyzeSessions.rows(g.state, q, budget: &budget).rows
        let inDay = expected.values.joined().filter { $0.start >= day && $0.start < day + 86_400_000 }
        #expect(rows.count == inDay.count && rows.map { Self.int($0["total_visits"]) }.reduce(0, +) == Int64(inDay.map(\.pageViews).reduce(0, +)))
    }

    static func int(_ value: RowValue?) -> Int64 { if case .int(let n)? = value { n } else { -1 } }
    static func double(_ value: RowValue?) -> Double { if case .double(let d)? = value { d } else if case .int(let n)? = value { Double(n) } else { .nan } }

    @Test(arguments: PersonyzeProductStats.Window.allCases)
    func productCountersMatchAHandCountPerWindow(window: PersonyzeProductStats.Window) throws {
        var g = try Self.generate(seed: 7)
        let newest = g.events.map { $0.timestampMs! }.max()!
        let lastDay = newest / 86_400_000
        let metrics = ["product_viewed": "n_viewed", "product_delivered": "n_delivered", "product_added": "n_extra", "product_favorited": "n_favorite", "product_purchased": "n_goal"]
        var expected: [String: [String: Int64]] = [:]
        for e in g.events {
            guard let column = metrics[e.eventType] else { continue }
            let sku = e.properties.first { $0.key == "product_id" }!.value
            expected[sku, default: [:]][column, default: 0] += 0
            if let days = window.days, e.timestampMs! / 86_400_000 < lastDay - Int64(days) + 1 { continue }
            expected[sku]![column, default: 0] += 1
        }
        for p in 0..<12 { expected["SKU-\(p)", default: [:]][ "n_viewed", default: 0] += 0 }
        expected["SKU-never"] = [:]
        for check in 0..<2 {
            let rows = PersonyzeProductStats.rows(g.state, window, RowQuery()).rows
            #expect(Set(rows.map { $0["internal_id"]!.text }) == Set(expected.keys))
            for row in rows {
                let sku = row["internal_id"]!.text
                for column in metrics.values { #expect(Self.int(row[column]) == expected[sku]?[column] ?? 0, "\(window) \(sku) \(column) (check \(check))") }
                let total = expected.values.map { $0["n_goal"] ?? 0 }.reduce(0, +)
                #expect(Self.int(row["overall_n_goal"]) == total)
            }
            // The counters worked out again from the log equal those kept on ingest.
            g.state.rebuildProductStats()
        }
    }

    @Test func latestBuyersAreTheNewestThreeDistinctOnes() throws {
        let g = try Self.generate(seed: 9)
        let rows = PersonyzeProductStats.rows(g.state, .all, RowQuery()).rows
        for row in rows {
            let sku = row["internal_id"]!.text
            var latest: [String: Int64] = [:]
            for e in g.events where e.eventType == "product_purchased" && e.properties.first(where: { $0.key == "product_id" })?.value == sku {
                latest[e.user!] = max(latest[e.user!] ?? .min, e.timestampMs!)
            }
            let top = latest.sorted { $0.value > $1.value }.prefix(3)
            #expect((0..<3).map { Self.int(row["last_goal_user_time_\($0)"]) } == (0..<3).map { $0 < top.count ? top[top.index(top.startIndex, offsetBy: $0)].value / 1000 : -1 }, "\(sku)")
        }
    }

    @Test func interestsMatchTheWeightsAppliedEventByEvent() throws {
        let g = try Self.generate(seed: 11)
        let newest = g.events.map { $0.timestampMs! }.max()!
        let weights = ["product_viewed": 1.0, "product_delivered": 0.25, "product_added": 3, "product_favorited": 4, "product_purchased": 5, "article_viewed": 1, "article_liked": 3]
        var budget = Int.max
        for user in ["u0", "u5", "u17"] {
            var expected: [String: (rank: Double, times: Int, last: Int64)] = [:]
            for e in g.events where e.user == user {
                guard let w = weights[e.eventType] else { continue }
                var values: [String] = []
                if let sku = e.properties.first(where: { $0.key == "product_id" })?.value, let p = Int(sku.dropFirst(4)), p < 12 {
                    values = ["category/cat\(p % 3)"] + (p % 2 == 0 ? ["tag/x", "tag/y"] : ["tag/y", "tag/z"])
                }
                if let article = e.properties.first(where: { $0.key == "article_id" })?.value, article != "art-3" { values = ["interest/guides", "tag/x"] }
                for v in values {
                    let add = w * pow(2, -Double(newest - e.timestampMs!) / (30 * 86_400_000))
                    let old = expected[v] ?? (0, 0, .min)
                    expected[v] = (old.rank + add, old.times + 1, max(old.last, e.timestampMs!))
                }
            }
            let query = RowQuery(conditions: [[.init(column: "user_id", op: .equal, values: [String(Self.userID(g.state, user))])]])
            let rows = try PersonyzeInterests.rows(g.state, query, budget: &budget)
            #expect(rows.count == expected.count, "\(user)")
            for row in rows {
                let key = "\(row["class"]!.text)/\(row["value"]!.text)"
                guard let e = expected[key] else { Issue.record("\(user): unexpected \(key)"); continue }
                #expect(abs(Self.double(row["rank"]) - e.rank) < 1e-9 && Self.int(row["n_times"]) == Int64(e.times) && Self.int(row["time"]) == e.last / 1000, "\(user) \(key)")
            }
        }
    }

    @Test func interactionRowsAreTheProductEventsNarrowedAsAsked() throws {
        let g = try Self.generate(seed: 13)
        var budget = Int.max
        let id = Self.userID(g.state, "u3")
        let query = RowQuery(conditions: [[.init(column: "user_id", op: .equal, values: [String(id)]), .init(column: "status", op: .inList, values: ["goal", "extra"])]])
        let rows = try PersonyzeInteractions.productRows(g.state, query, budget: &budget)
        let expected = g.events.filter { $0.user == "u3" && ($0.eventType == "product_purchased" || $0.eventType == "product_added") }
        #expect(rows.count == expected.count)
        #expect(Set(rows.map { "\($0["product_internal_id"]!.text)@\(Self.int($0["time"]))" }) == Set(expected.map { "\($0.properties[0].value)@\($0.timestampMs! / 1000)" }))
        #expect(rows.allSatisfy { Self.int($0["user_id"]) == Int64(id) })
    }

    @Test func summaryActionsCountWhatTheNudgesTrackedPerDayAndSession() throws {
        var g = try Self.generate(seed: 17)
        var rng = Rng(s: 5)
        for id in [1, 2] {
            try g.state.apply(NudgeEdit.create(NudgeDefinition(title: "N\(id)", targetPage: "/p0"), id: id, nowMs: Self.base))
            try g.state.apply(NudgeEdit.setStatus(id: id, status: .active, nowMs: Self.base))
        }
        var tracked: [(nudge: Int, user: String, action: NudgeEdit.TrackedAction, at: Int64)] = []
        for _ in 0..<300 {
            let e = g.events[rng.next(g.events.count)]
            let t = (nudge: 1 + rng.next(2), user: e.user!, action: NudgeEdit.TrackedAction.allCases[rng.next(3)], at: e.timestampMs! - Int64(rng.next(3)) * 60_000)
            try g.state.apply(NudgeEdit.track(id: t.nudge, user: t.user, action: t.action, atMs: t.at))
            tracked.append(t)
        }
        let sessions = Self.sessions(g.events)
        func session(_ user: String, _ at: Int64) -> String {
            let s = sessions[user]!.first { $0.start <= at && at <= $0.end }
            return "\(user)@\(s?.start ?? at)"
        }
        struct Tally: Equatable { var executed = 0, extra = 0, closed = 0, executedSessions = 0, goals = 0, goalValue = 0.0 }
        var expected: [String: Tally] = [:]
        var shown: [String: [String: Int64]] = [:]
        for (key, group) in Dictionary(grouping: tracked, by: { "\($0.at / 86_400_000)/\($0.nudge)" }) {
            var t = Tally()
            t.executed = group.filter { $0.action == .impression }.count
            t.extra = group.filter { $0.action == .click }.count
            t.closed = group.filter { $0.action == .dismiss }.count
            var first: [String: Int64] = [:]
            for i in group where i.action == .impression { let s = session(i.user, i.at); first[s] = min(first[s] ?? .max, i.at) }
            t.executedSessions = first.count
            shown[key] = first
            for e in g.events where e.eventType == "product_purchased" {
                guard let since = first[session(e.user!, e.timestampMs!)], since <= e.timestampMs! else { continue }
                t.goals += Int(e.properties.first { $0.key == "quantity" }!.value)!
                t.goalValue += Double(e.properties.first { $0.key == "amount" }!.value)!
            }
            expected[key] = t
        }
        var budget = Int.max
        let rows = try PersonyzeSummaryActions.rows(g.state, RowQuery(conditions: [[.init(column: "day", op: .greaterOrEqual, values: ["0"])]]), budget: &budget)
        #expect(rows.count == expected.count)
        for row in rows {
            let key = "\(Self.int(row["day"]) / 86_400)/\(Self.int(row["action_id"]))"
            let got = Tally(executed: Int(Self.int(row["n_executed"])), extra: Int(Self.int(row["n_extra"])), closed: Int(Self.int(row["n_closed"])),
                            executedSessions: Int(Self.int(row["n_sessions_executed"])), goals: Int(Self.int(row["products_goal_n_times"])),
                            goalValue: Self.double(row["products_goal_value"]))
            var want = expected[key] ?? Tally()
            if abs(want.goalValue - got.goalValue) < 1e-6 { want.goalValue = got.goalValue }
            #expect(got == want, "\(key)")
        }
        // A day outside every impression answers nothing.
        let none = try PersonyzeSummaryActions.rows(g.state, RowQuery(conditions: [[.init(column: "day", op: .less, values: ["0"])]]), budget: &budget)
        #expect(none.isEmpty)
    }

    /// The event pass skips a chunk by its time range only when no span meets it: against a
    /// plain overlap test over random spans and ranges.
    @Test func eventPassSpansSkipOnlyWhatNoSpanMeets() throws {
        let g = try Self.generate(seed: 4)
        var rng = Rng(s: 11)
        for _ in 0..<300 {
            var spans: [(from: Int64, to: Int64)] = []
            var t = Int64(rng.next(50))
            for _ in 0..<rng.next(6) {
                let from = t + Int64(rng.next(30)), to = from + Int64(rng.next(20))
                spans.append((from, to)); t = to + 1
            }
            var pass = PersonyzeEventPass(state: g.state)
            pass.spans = spans
            let lo = Int64(rng.next(300)), hi = lo + Int64(rng.next(60))
            #expect(pass.spansMeet(lo, hi) == spans.contains { $0.from <= hi && $0.to >= lo }, "\(spans) \(lo)...\(hi)")
        }
    }

    /// The eight-at-a-time search for one user's rows finds each row a plain loop finds.
    @Test func nextRowFindsEveryRowOfTheUser() {
        var rng = Rng(s: 3)
        for _ in 0..<200 {
            let ids = (0..<rng.next(70)).map { _ in UInt32(rng.next(4)) }
            let target = UInt32(rng.next(4))
            let found: [Int] = ids.withUnsafeBufferPointer { us in
                var out: [Int] = []
                var row = PersonyzeEventPass.nextRow(of: target, in: us, from: 0)
                while row < us.count { out.append(row); row = PersonyzeEventPass.nextRow(of: target, in: us, from: row + 1) }
                return out
            }
            #expect(found == ids.indices.filter { ids[$0] == target }, "\(ids) \(target)")
        }
    }
}
