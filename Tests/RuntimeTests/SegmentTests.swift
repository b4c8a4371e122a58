import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Segment rules compiled to bitmap algebra against a naive per-user evaluation, over random
/// rule trees up to depth 4; and dynamic segments kept current against recomputing them.
@Suite struct SegmentTests {
    struct Event { var user: String; var account: String?; var type: String; var plan: String; var ts: Int64 }

    struct World {
        var state: TenantState
        var events: [Event]
        var now: Int64
        var accountIndustry: [String: String]
        var userTier: [String: String]

        var today: DayNumber { state.day(of: now) }
        func day(_ ts: Int64) -> DayNumber { state.day(of: ts) }
        func window(_ n: Int?) -> (Int64) -> Bool {
            guard let n else { return { _ in true } }
            let first = today - DayNumber(n) + 1
            return { day($0) >= first && day($0) <= today }
        }
        var users: Set<String> { Set(events.map(\.user)) }

        /// The plain answer for one user.
        func holds(_ rule: SegmentRule, _ u: String, segments: [Int: [SegmentRule]]) -> Bool {
            let mine = events.filter { $0.user == u }
            guard !mine.isEmpty else { return false }
            switch rule {
            case .all(let rules): return rules.allSatisfy { holds($0, u, segments: segments) }
            case .any(let rules): return rules.contains { holds($0, u, segments: segments) }
            case .not(let r): return !holds(r, u, segments: segments)
            case .didEvent(let e, let n, let filters):
                return mine.contains { ev in ev.type == e && window(n)(ev.ts) && filters.allSatisfy { f in f.matches(ev.plan) } }
            case .didNotEvent(let e, let n): return !mine.contains { $0.type == e && window(n)($0.ts) }
            case .eventCount(let e, let c, let v, let n): return c.holds(mine.filter { $0.type == e && window(n)($0.ts) }.count, v)
            case .userProperty(let f):
                if let tier = userTier[u], f.property == "tier" { return f.matches(tier) }
                let latest = mine.enumerated().max { ($0.element.ts, $0.offset) < ($1.element.ts, $1.offset) }!.element
                return f.matches(f.property == "plan" ? latest.plan : nil)
            case .accountProperty(let f):
                let mineAccounts = Set(mine.compactMap(\.account))
                return Set(accountIndustry.keys).union(["acct0", "acct1", "acct2", "acct3"]).contains { a in
                    mineAccounts.contains(a) && f.matches(accountIndustry[a])
                }
            case .firstSeen(let n): return window(n)(mine.map(\.ts).min()!)
            case .lastSeen(let n): return !mine.contains { window(n)($0.ts) }
            case .inSegment(let id): return segments[id].map { rules in rules.allSatisfy { holds($0, u, segments: segments) } } ?? false
            case .visitorList(let ids): return ids.contains(u)
            }
        }
    }

    static func world(seed: Int, events count: Int = 600) throws -> World {
        var rng = SeededGenerator(seed: UInt64(seed + 1000))
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: TimeZone(identifier: ["UTC", "Europe/Berlin"][seed % 2])!, retentionDays: 0))
        let now: Int64 = 1_793_448_000_000
        var world = World(state: state, events: [], now: now, accountIndustry: [:], userTier: [:])
        var batch: [EventInput] = []
        for _ in 0..<count {
            let user = "u\(rng.next() % 40)"
            let e = Event(user: user, account: "acct\(rng.next() % 4)", type: ["a", "b", "c"][Int(rng.next() % 3)],
                          plan: ["free", "pro", "team"][Int(rng.next() % 3)], ts: now - Int64(rng.next() % (40 * 86_400_000)))
            world.events.append(e)
            batch.append(EventInput(eventType: e.type, user: e.user, account: e.account, timestampMs: e.ts, properties: [.init("plan", e.plan)]))
        }
        _ = try state.ingest(batch, nowMs: now, anonymousID: "g")
        for (a, industry) in [("acct1", "Retail"), ("acct2", "SaaS")] {
            world.accountIndustry[a] = industry
            try state.apply(.setAccountProperties(account: a, properties: [.init("industry", industry)]))
        }
        for u in ["u1", "u2", "u3"] where state.userIndex(u) != nil {
            world.userTier[u] = "gold"
            try state.apply(.setUserProperties(user: u, properties: [.init("tier", "gold")]))
        }
        world.state = state
        return world
    }

    static func randomRule(_ rng: inout SeededGenerator, depth: Int, segments: [Int]) -> SegmentRule {
        let within: Int? = rng.next() % 4 == 0 ? nil : Int.random(in: 1...30, using: &rng)
        let event = ["a", "b", "c", "never"][Int(rng.next() % 4)]
        if depth < 4 && rng.next() % 3 == 0 {
            let children = (0..<Int.random(in: 1...3, using: &rng)).map { _ in randomRule(&rng, depth: depth + 1, segments: segments) }
            switch rng.next() % 3 {
            case 0: return .all(children)
            case 1: return .any(children)
            default: return .not(children[0])
            }
        }
        switch rng.next() % 10 {
        case 0: return .didEvent(event: event, withinDays: within, filters: [])
        case 1: return .didEvent(event: event, withinDays: within, filters: [PropertyFilter(property: "plan", op: .in, values: ["pro", "team"])])
        case 2: return .didNotEvent(event: event, withinDays: within)
        case 3: return .eventCount(event: event, comparison: SegmentRule.CountComparison.allCases.randomElement(using: &rng)!,
                                   value: Int.random(in: 0...4, using: &rng), withinDays: within)
        case 4: return rng.next() % 2 == 0 ? .userProperty(PropertyFilter(property: "plan", op: .eq, values: ["pro"]))
                                           : .userProperty(PropertyFilter(property: "tier", op: .neq, values: ["gold"]))
        case 5: return .accountProperty(PropertyFilter(property: "industry", op: [.eq, .neq][Int(rng.next() % 2)], values: ["Retail"]))
        case 6: return .firstSeen(withinDays: Int.random(in: 1...30, using: &rng))
        case 7: return .lastSeen(beforeDays: Int.random(in: 1...20, using: &rng))
        case 8: return .visitorList(Set((0..<Int.random(in: 0...12, using: &rng)).map { _ in "u\(rng.next() % 50)" } + ["ghost"]))
        default: return segments.isEmpty ? .firstSeen(withinDays: 10) : .inSegment(id: segments.randomElement(using: &rng)!)
        }
    }

    @Test(arguments: Array(0..<8))
    func compiledRulesMatchPerUserEvaluation(seed: Int) throws {
        var w = try Self.world(seed: seed)
        var rng = SeededGenerator(seed: UInt64(seed))
        var definitions: [Int: [SegmentRule]] = [:]
        for round in 0..<12 {
            let rules = (0..<Int.random(in: 1...3, using: &rng)).map { _ in Self.randomRule(&rng, depth: 1, segments: Array(definitions.keys)) }
            let expected = Set(w.users.filter { u in rules.allSatisfy { w.holds($0, u, segments: definitions) } })
            let got = w.state.members(of: rules, today: w.today) { w.state.segments.byID[$0]?.members }
            #expect(Set(got.members.map { w.state.userNames.string($0) }) == expected, "\(rules)")
            // Per-user judging agrees where it applies.
            if rules.allSatisfy(\.judgedPerUser) {
                for u in w.users {
                    let id = w.state.userIndex(u)!.rawValue
                    #expect(w.state.matches(user: id, rules, today: w.today, segments: w.state.segments.byID) == expected.contains(u), "\(u) \(rules)")
                }
            }
            if round % 3 == 0 {
                let id = w.state.nextSegmentID
                try w.state.apply(.create(id: id, name: "s\(id)", folder: nil, isStatic: false, rules: rules, nowMs: w.now))
                definitions[id] = rules
            }
        }
    }

    /// Dynamic segments follow new events, judged per touched user or whole, and end up where a
    /// fresh computation would; static ones keep their members.
    @Test(arguments: Array(0..<6))
    func dynamicSegmentsFollowNewEvents(seed: Int) throws {
        var w = try Self.world(seed: seed + 50)
        var rng = SeededGenerator(seed: UInt64(seed + 7))
        let definitions: [[SegmentRule]] = [
            [.eventCount(event: "a", comparison: .gte, value: 3, withinDays: 14)],
            [.didEvent(event: "b", withinDays: 7, filters: []), .not(.didEvent(event: "c", withinDays: 7, filters: []))],
            [.any([.userProperty(PropertyFilter(property: "plan", op: .eq, values: ["pro"])), .lastSeen(beforeDays: 3)])],
            [.didEvent(event: "c", withinDays: 30, filters: [PropertyFilter(property: "plan", op: .eq, values: ["team"])])],
            // u40 to u44 first appear in the new events: listed ones join then.
            [.visitorList(["u3", "u17", "u41", "u43", "ghost"])],
        ]
        for (i, rules) in definitions.enumerated() {
            try w.state.apply(.create(id: i + 1, name: "d\(i)", folder: nil, isStatic: false, rules: rules, nowMs: w.now))
        }
        try w.state.apply(.create(id: 10, name: "frozen", folder: nil, isStatic: true, rules: definitions[0], nowMs: w.now))
        let frozen = w.state.segments.byID[10]!.members
        w.state.refreshSegments(nowMs: w.now)
        for round in 0..<8 {
            // A few events (per-user path) or many (whole path).
            let n = round % 2 == 0 ? 2 : 60
            var batch: [EventInput] = []
            for _ in 0..<n {
                let user = "u\(rng.next() % 45)"
                let e = Event(user: user, account: nil, type: ["a", "b", "c"][Int(rng.next() % 3)], plan: ["free", "pro", "team"][Int(rng.next() % 3)],
                              ts: w.now - Int64(rng.next() % (2 * 86_400_000)))
                w.events.append(e)
                batch.append(EventInput(eventType: e.type, user: e.user, timestampMs: e.ts, properties: [.init("plan", e.plan)]))
            }
            _ = try w.state.ingest(batch, nowMs: w.now, anonymousID: "g")
            let changes = w.state.refreshSegments(nowMs: w.now)
            for (i, rules) in definitions.enumerated() {
                let fresh = w.state.members(of: rules, today: w.today) { w.state.segments.byID[$0]?.members }
                #expect(w.state.segments.byID[i + 1]!.members == fresh, "segment \(i + 1), round \(round)")
                let expected = Set(w.users.filter { u in rules.allSatisfy { w.holds($0, u, segments: [:]) } })
                #expect(Set(fresh.members.map { w.state.userNames.string($0) }) == expected)
            }
            #expect(changes.allSatisfy { $0.entered.intersectionCount($0.exited) == 0 })
        }
        #expect(w.state.segments.byID[10]!.members == frozen)
    }

    /// A visitor list's ids edited in place: members are the listed users with events, as a
    /// plain filter of the events gives them, after every kind of edit.
    @Test(arguments: Array(0..<4))
    func visitorListEditsKeepMembersListedUsersWithEvents(seed: Int) throws {
        var w = try Self.world(seed: seed + 20)
        var rng = SeededGenerator(seed: UInt64(seed + 77))
        var listed: Set<String> = ["u1", "u2", "nobody"]
        try w.state.apply(.create(id: 1, name: "list", folder: nil, isStatic: false, rules: [.visitorList(listed)], nowMs: w.now))
        for round in 0..<10 {
            let adding = (0..<Int(rng.next() % 4)).map { _ in "u\(rng.next() % 45)" }
            let removing = round % 3 == 0 ? [] : (0..<Int(rng.next() % 3)).map { _ in "u\(rng.next() % 45)" }
            let replacing: Set<String>? = round == 5 ? ["u7", "u8"] : nil
            try w.state.apply(.editVisitors(id: 1, replacing: replacing, adding: adding, removing: removing, nowMs: w.now + Int64(round)))
            listed = replacing ?? listed
            listed.formUnion(adding); listed.subtract(removing)
            let expected = listed.intersection(w.users)
            #expect(w.state.segments.byID[1]!.visitorList == listed)
            #expect(Set(w.state.segments.byID[1]!.members.members.map { w.state.userNames.string($0) }) == expected, "round \(round)")
        }
        try w.state.apply(.create(id: 2, name: "rules", folder: nil, isStatic: false, rules: [.firstSeen(withinDays: 5)], nowMs: w.now))
        #expect(w.state.refusal(of: .editVisitors(id: 2, replacing: nil, adding: ["u1"], removing: [], nowMs: w.now)) == .notVisitorList(2))
        #expect(w.state.refusal(of: .editVisitors(id: 9, replacing: nil, adding: ["u1"], removing: [], nowMs: w.now)) == .unknownSegment(9))
    }

    @Test func editsAreChecked() throws {
        var w = try Self.world(seed: 3)
        try w.state.apply(.create(id: 1, name: "one", folder: "f", isStatic: false, rules: [.firstSeen(withinDays: 5)], nowMs: w.now))
        #expect(w.state.refusal(of: .create(id: 2, name: "one", folder: nil, isStatic: false, rules: [.firstSeen(withinDays: 5)], nowMs: w.now)) == .duplicateName("one"))
        #expect(w.state.refusal(of: .create(id: 2, name: "two", folder: nil, isStatic: false, rules: [.inSegment(id: 9)], nowMs: w.now)) == .unknownReference(9))
        try w.state.apply(.create(id: 2, name: "two", folder: nil, isStatic: false, rules: [.inSegment(id: 1)], nowMs: w.now))
        #expect(w.state.refusal(of: .update(id: 1, name: nil, folder: nil, rules: [.inSegment(id: 2)], nowMs: w.now)) == .cycle(1))
        #expect(w.state.refusal(of: SegmentEdit.delete(id: 1)) == .inUse(by: [2]))
        #expect(w.state.refusal(of: SegmentEdit.delete(id: 7)) == .unknownSegment(7))
        #expect(w.state.segments.folders == ["f"])
        try w.state.apply(SegmentEdit.delete(id: 2))
        try w.state.apply(SegmentEdit.delete(id: 1))
        #expect(w.state.segments.isEmpty)
    }

    /// The segment filter on reads: funnels, activity and top users over the segment's users only.
    @Test(arguments: Array(0..<4))
    func readsFilteredBySegment(seed: Int) throws {
        var w = try Self.world(seed: seed + 90)
        try w.state.apply(.create(id: 1, name: "a-doers", folder: nil, isStatic: false, rules: [.didEvent(event: "a", withinDays: 20, filters: [])], nowMs: w.now))
        let members = w.state.segments.byID[1]!.members
        let names = Set(members.members.map { w.state.userNames.string($0) })
        let range = DayRange(days: 30, endingOn: w.today)
        let all = w.state.funnel(steps: ["a", "b", "c"], range: range, windowMs: 3 * TenantCalendar.dayMs)
        let some = w.state.funnel(steps: ["a", "b", "c"], range: range, windowMs: 3 * TenantCalendar.dayMs, among: members)
        #expect(some.usersAtStep == all.usersAtStep.map { $0.intersection(members) })
        let filter = try #require(w.state.resolve(AccountFilter(segment: 1)))
        let activity = w.state.activity(range, filter: filter)
        #expect(activity.map(\.events) == range.all.map { d in w.events.filter { names.contains($0.user) && w.day($0.ts) == d }.count })
        #expect(activity.map(\.activeUsers) == range.all.map { d in Set(w.events.filter { names.contains($0.user) && w.day($0.ts) == d }.map(\.user)).count })
        let top = w.state.topUsers(range, limit: 1000, among: filter.users)
        #expect(Set(top.map(\.user)).isSubset(of: names))
        #expect(w.state.accountList(range, filter: AccountFilter(segment: 1)).rows.allSatisfy { w.state.accounts.users[Int(w.state.accountIndex($0.account)!.rawValue)].intersectionCount(members) > 0 })
    }
}
