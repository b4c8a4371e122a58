import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Deleting and merging events: the rebuilt state answers as a fresh state given only the
/// events that remain (as they were rewritten), and its counts match a plain recount of them;
/// over sealed chunks and the open one.
@Suite struct EventRewriteTests {
    struct Event { var user: String; var account: String; var type: String; var ts: Int64; var page: String?; var properties: [(String, String)] }

    static let day: Int64 = 86_400_000
    static let now: Int64 = 1_793_448_000_000   // 2026-10-31T12:00:00Z
    static let settings = TenantSettings(id: "t", name: "t", timeZone: TimeZone(identifier: "Europe/Paris")!, retentionDays: 0)

    static func events(seed: Int, count: Int) -> [Event] {
        var rng = SeededGenerator(seed: UInt64(seed))
        return (0..<count).map { _ in
            let u = Int(rng.next() % 200)
            let type = ["a", "b", "c", "d", "e"][Int(rng.next() % 5)]
            var properties: [(String, String)] = [("plan", ["free", "pro"][u % 2])]
            if rng.next() % 3 == 0 { properties.append(("n", "\(rng.next() % 500)")) }
            if type == "c", rng.next() % 2 == 0 { properties.append(("tier", "gold")) }
            return Event(user: "u\(u)@x.com", account: "acct\(u % 17)", type: type, ts: now - Int64(rng.next() % (40 * 86_400)) * 1_000,
                         page: type == "a" ? "/p\(rng.next() % 7)" : nil, properties: properties)
        }
    }

    static func state(_ events: [Event]) throws -> TenantState {
        var state = TenantState(settings: settings)
        for start in stride(from: 0, to: events.count, by: 500) {
            let batch = events[start..<min(events.count, start + 500)].map { e in
                EventInput(eventType: e.type, user: e.user, account: e.account, page: e.page, timestampMs: e.ts,
                           properties: e.properties.map { EventInput.Property($0.0, $0.1) })
            }
            _ = try state.ingest(Array(batch), nowMs: now, anonymousID: "g")
        }
        return state
    }

    /// The rewrite done the plain way, on the list.
    static func rewritten(_ events: [Event], _ rewrite: EventRewrite) -> (kept: [Event], affected: Int) {
        var kept: [Event] = [], affected = 0, position = 0
        for var e in events {
            position += 1
            switch rewrite {
            case .delete(let type, let before):
                if (type == nil || e.type == type) && e.ts < (before ?? .max) { affected += 1; continue }
            case .mergeTypes(let source, let target):
                if e.type == source { e.type = target; affected += 1 }
            case .mergeProperties(let type, let source, let target):
                if (type == nil || e.type == type), let i = e.properties.firstIndex(where: { $0.0 == source }) {
                    if e.properties.contains(where: { $0.0 == target }) { e.properties.remove(at: i) } else { e.properties[i].0 = target }
                    affected += 1
                }
            case .deleteUsers(let users):
                if users.contains(e.user) { affected += 1; continue }
            case .deleteAccounts(let accounts):
                if accounts.contains(e.account) { affected += 1; continue }
            case .deleteEvents(let ids):
                if ids.contains(position) { affected += 1; continue }
            }
            kept.append(e)
        }
        return (kept, affected)
    }

    struct Answers: Equatable {
        var usage: [TenantState.EventTypeUsage]
        var daily: [Int]
        var retained: Int
        var users: [String: [Int64]]
        var accounts: [String: [Int64]]
        var properties: [String: [TenantState.PropertyKeyUsage]]
        var pages: [TenantState.PageViews]
    }

    static func answers(_ state: TenantState) -> Answers {
        var calendar = state.calendar
        let range = DayRange(days: 45, endingOn: calendar.day(of: now))
        var users: [String: [Int64]] = [:]
        for (u, s) in state.users.summaries.enumerated() where s.isKnown(id: u) {
            users[state.userNames.string(UInt32(u))] = [s.firstSeen, s.lastSeen, Int64(s.eventCount)]
        }
        var accounts: [String: [Int64]] = [:]
        for (a, s) in state.accounts.summaries.enumerated() where s.eventCount > 0 {
            accounts[state.accountNames.string(UInt32(a))] = [s.firstSeen, s.lastSeen, Int64(s.eventCount), Int64(state.accounts.users[a].count)]
        }
        var properties: [String: [TenantState.PropertyKeyUsage]] = [:]
        for usage in state.eventTypeUsage(range) { properties[usage.name] = state.propertyKeyUsage(ofType: usage.name) }
        return Answers(usage: state.eventTypeUsage(range), daily: state.dailyActiveUsers(range), retained: state.log.count, users: users,
                       accounts: accounts, properties: properties, pages: state.pageViews(range))
    }

    static let cutoff = now - 20 * day

    @Test(arguments: [EventRewrite.delete(eventType: "b", beforeMs: nil), .delete(eventType: nil, beforeMs: cutoff), .delete(eventType: "c", beforeMs: cutoff),
                      .delete(eventType: "never", beforeMs: nil), .mergeTypes(source: "c", target: "a"), .mergeTypes(source: "c", target: "brand_new"),
                      .mergeProperties(eventType: nil, source: "plan", target: "tier"), .mergeProperties(eventType: "c", source: "n", target: "tier"),
                      .deleteUsers(["u3@x.com", "u77@x.com", "nobody"]), .deleteAccounts(["acct5", "acct0", "none"]),
                      .deleteEvents([1, 2, 65_536, 65_537, 69_999, 70_000, 70_001, 123_456])])
    func aRewriteAnswersAsTheEventsThatRemain(_ rewrite: EventRewrite) throws {
        let events = Self.events(seed: 7, count: 70_000)
        var state = try Self.state(events)
        #expect(state.log.sealed.count == 1 && state.log.open.count > 0)
        let rebuilt = state.rebuildingEvents(rewrite, nowMs: Self.now)
        let (kept, affected) = Self.rewritten(events, rewrite)
        #expect(rebuilt.affected == affected && rebuilt.kept == kept.count)
        try state.apply(DataEdit.rewrite(rewrite, nowMs: Self.now), rebuilt: rebuilt)
        let got = Self.answers(state)
        #expect(got == Self.answers(try Self.state(kept)))
        // And the plain recount: events and users per type.
        var perType: [String: (events: Int, users: Set<String>)] = [:]
        for e in kept { perType[e.type, default: (0, [])].events += 1; perType[e.type]!.users.insert(e.user) }
        #expect(Dictionary(uniqueKeysWithValues: got.usage.map { ($0.name, [$0.count, $0.users]) })
                == perType.mapValues { [$0.events, $0.users.count] })
    }

    @Test func aMergedUsersHistoryStaysWithTheUserItJoined() throws {
        var state = try Self.state(Self.events(seed: 3, count: 2_000))
        _ = try state.ingest([EventInput(eventType: "a", user: nil, timestampMs: Self.now - 5_000), EventInput(eventType: "b", user: nil, timestampMs: Self.now - 4_000)],
                             nowMs: Self.now, anonymousID: "anon-1")
        _ = state.merge(anonymousID: "anon-1", into: "u1@x.com")
        let before = state.users.summaries[Int(state.userNames.lookup("u1@x.com")!)].eventCount
        try state.apply(DataEdit.rewrite(.delete(eventType: "b", beforeMs: nil), nowMs: Self.now))
        let u = Int(state.userNames.lookup("u1@x.com")!)
        let bEvents = Self.events(seed: 3, count: 2_000).filter { $0.user == "u1@x.com" && $0.type == "b" }.count + 1
        #expect(state.users.summaries[u].eventCount == before - UInt32(bEvents))
        #expect(state.users.summaries[u].lastSeen == Self.now - 5_000)
        #expect(!state.users.summaries[Int(state.userNames.lookup("anon-1")!)].isKnown(id: Int(state.userNames.lookup("anon-1")!)))
    }

    @Test func aRenameKeepsTheIdsAndMovesTheDefinitions() throws {
        var state = try Self.state(Self.events(seed: 4, count: 1_000))
        try state.apply(DiscoveryEdit.addSuccessEvent(SuccessEvent(id: 1, eventType: "c", windowDays: 30, behaviourDays: 7, createdMs: 0)))
        try state.apply(JourneyEdit.create(JourneyDefinition(name: "j", steps: [JourneyStep(eventType: "a", label: "A"), JourneyStep(eventType: "c", label: "C")]),
                                           id: 1, nowMs: Self.now))
        let id = state.eventTypeIndex("c")
        let before = Self.answers(state)
        #expect(state.refusal(of: DataEdit.renameType(old: "c", new: "a")) == .typeExists("a"))
        #expect(state.refusal(of: DataEdit.renameType(old: "zz", new: "y")) == .unknownEventType("zz"))
        try state.apply(DataEdit.renameType(old: "c", new: "checkout"))
        #expect(state.eventTypeIndex("checkout") == id && state.eventTypeIndex("c") == nil)
        #expect(state.discoveries.successEvents[1]?.eventType == "checkout" && state.journeys.byID[1]?.steps[1].eventType == "checkout")
        let after = Self.answers(state)
        #expect(after.usage.map(\.count) == before.usage.map(\.count) && after.usage.contains { $0.name == "checkout" })
        try state.apply(DataEdit.archive(eventType: "checkout", archived: true))
        #expect(state.catalog.archivedTypes == ["checkout"])
        try state.apply(DataEdit.renameType(old: "checkout", new: "paid"))
        #expect(state.catalog.archivedTypes == ["paid"])
    }
}
