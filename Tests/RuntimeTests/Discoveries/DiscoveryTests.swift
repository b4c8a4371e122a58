import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Discovery findings against a plain computation over the events themselves: event types,
/// property values and pages, a property with too many values, a type on too many pages,
/// merged identities, sealed chunks and the open one.
@Suite struct DiscoveryTests {
    struct Event { var user: String; var type: String; var ts: Int64; var page: String?; var properties: [(String, String)] }

    static let day: Int64 = 86_400_000
    static let now: Int64 = 1_793_448_000_000   // 2026-10-31T12:00:00Z

    /// Users arrive over 60 days; those who `setup` (or are on `pro`, or see `/guide`) early buy more often.
    static func scenario(seed: Int, events count: Int) throws -> (state: TenantState, events: [Event]) {
        var rng = SeededGenerator(seed: UInt64(seed + 5))
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: TimeZone(identifier: "UTC")!, retentionDays: 0))
        let users = max(400, count / 25)
        let arrival = (0..<users).map { _ in now - Int64(rng.next() % 60) * day - Int64(rng.next() % 86_400) * 1_000 }
        let keen = (0..<users).map { _ in rng.next() % 3 == 0 }
        var events: [Event] = []
        var batch: [EventInput] = []
        func add(_ e: Event, anonymous: Bool) throws {
            events.append(e)
            batch.append(EventInput(eventType: e.type, user: anonymous ? nil : e.user, page: e.page, timestampMs: e.ts,
                                    properties: e.properties.map { EventInput.Property($0.0, $0.1) }))
            if batch.count >= 64 || anonymous {
                _ = try state.ingest(batch, nowMs: now, anonymousID: anonymous ? e.user : "g"); batch = []
            }
        }
        for i in 0..<count {
            let u = Int(rng.next() % UInt64(users))
            let offset = Int64(rng.next() % UInt64(max(1, (now - arrival[u]) / 1_000))) * 1_000
            // A user's first event sits at their arrival, so first days are well populated.
            let ts = i < users ? arrival[i % users] : arrival[u] + (rng.next() % 4 == 0 ? offset % (8 * day) : offset)
            let who = i < users ? i % users : u
            let roll = rng.next() % 100
            let type: String, page: String?
            var properties: [(String, String)] = [("plan", keen[who] ? (roll % 3 == 0 ? "free" : "pro") : (roll % 4 == 0 ? "pro" : "free"))]
            switch roll {
            case 0..<40: type = "page_view"; page = ["/home", "/guide", "/docs", "/billing"][Int(rng.next() % (keen[who] ? 4 : 3))]
            case 40..<55: type = keen[who] || roll < 43 ? "setup" : "browse"; page = nil
            case 55..<70: type = "search"; page = "/s/\(rng.next() % 150)"
            case 70..<85: type = "export"; page = nil; properties.append(("order_id", "o\(rng.next() % 10_000)"))
            default:
                type = keen[who] ? (roll % 2 == 0 ? "purchase" : "share") : (roll % 7 == 0 ? "purchase" : "share"); page = nil
            }
            // Users 0–19 start anonymous (their name is their anonymous id) and are merged below.
            let name = who < 20 ? "anon-\(who)" : "u\(who)@x.com"
            try add(Event(user: name, type: type, ts: min(ts, now - 1), page: page, properties: properties), anonymous: who < 20)
        }
        _ = try state.ingest(batch, nowMs: now, anonymousID: "g")
        for who in 0..<20 {
            // The named user exists first (one event), then the anonymous one joins it.
            let named = "u\(who)@x.com"
            try add(Event(user: named, type: "login", ts: now - 1_000, page: nil, properties: []), anonymous: false)
            _ = try state.ingest(batch, nowMs: now, anonymousID: "g"); batch = []
            _ = state.merge(anonymousID: "anon-\(who)", into: named)
            for k in events.indices where events[k].user == "anon-\(who)" { events[k].user = named }
        }
        return (state, events)
    }

    struct Expected: Equatable, CustomStringConvertible {
        var behaviour: String; var doers: Int; var doersReached: Int; var others: Int; var othersReached: Int
        var description: String { "\(behaviour): \(doersReached)/\(doers) vs \(othersReached)/\(others)" }
    }

    /// docs/discoveries.md, from the events alone.
    static func reference(_ events: [Event], success: String, windowDays: Int, behaviourDays: Int) -> [Expected] {
        var first: [String: Int64] = [:], firstSuccess: [String: Int64] = [:]
        for e in events {
            first[e.user] = min(first[e.user] ?? .max, e.ts)
            if e.type == success { firstSuccess[e.user] = min(firstSuccess[e.user] ?? .max, e.ts) }
        }
        let cohort = Set(first.filter { $0.value <= now - Int64(behaviourDays) * day }.keys)
        let reached = cohort.filter { u in (firstSuccess[u] ?? .max) <= first[u]! + Int64(windowDays) * day }
        let early = events.filter { e in
            cohort.contains(e.user) && e.type != success && e.ts < min(first[e.user]! + Int64(behaviourDays) * day, firstSuccess[e.user] ?? .max)
        }
        var doers: [String: Set<String>] = [:]
        for type in Set(early.map(\.type)) {
            let rows = early.filter { $0.type == type }
            doers[type] = Set(rows.map(\.user))
            let pages = Set(rows.compactMap(\.page))
            if pages.count <= 100 { for p in pages { doers["\(type) on \(p)"] = Set(rows.filter { $0.page == p }.map(\.user)) } }
            for key in Set(rows.flatMap { $0.properties.map(\.0) }) {
                let values = Set(rows.compactMap { r in r.properties.first { $0.0 == key }?.1 })
                guard values.count <= 50 else { continue }
                for v in values { doers["\(type) with \(key) = \(v)"] = Set(rows.filter { r in r.properties.contains { $0 == (key, v) } }.map(\.user)) }
            }
        }
        var found: [(Expected, Double)] = []
        for (behaviour, users) in doers {
            let d = users.count, a = users.intersection(reached).count, n = cohort.count - d, c = reached.count - a
            guard d >= 10, n >= 10, a > 0, c > 0 else { continue }
            let lift = (Double(a) / Double(d)) / (Double(c) / Double(n))
            if lift > 1 { found.append((Expected(behaviour: behaviour, doers: d, doersReached: a, others: n, othersReached: c), lift)) }
        }
        found.sort { x, y in x.1 != y.1 ? x.1 > y.1 : x.0.doers != y.0.doers ? x.0.doers > y.0.doers : x.0.behaviour < y.0.behaviour }
        return found.prefix(100).map(\.0)
    }

    static func findings(_ state: TenantState, _ success: SuccessEvent, parts: Int) -> [DiscoveryFinding] {
        let cohort = state.discoveryCohort(success, nowMs: now)
        return TenantState.rankedDiscoveryFindings((0..<parts).map { state.discoveryFindings(cohort, part: $0, of: parts) })
    }

    @Test(arguments: [(1, 3_000), (2, 5_000), (3, 70_000)])
    func findingsMatchAPlainCount(seed: Int, count: Int) throws {
        let (state, events) = try Self.scenario(seed: seed, events: count)
        if count > EventLog.chunkCapacity { #expect(state.log.sealed.count >= 1) }
        for (window, behaviour) in [(30, 7), (14, 3), (40, 20)] {
            let success = SuccessEvent(id: 1, eventType: "purchase", windowDays: window, behaviourDays: behaviour, createdMs: 0)
            let expected = Self.reference(events, success: "purchase", windowDays: window, behaviourDays: behaviour)
            for parts in [1, 3] {
                let got = Self.findings(state, success, parts: parts).map {
                    Expected(behaviour: $0.behaviour.description, doers: $0.doers, doersReached: $0.doersReached, others: $0.others, othersReached: $0.othersReached)
                }
                #expect(got == expected, "seed \(seed), window \(window)/\(behaviour), \(parts) parts")
            }
            #expect(!expected.isEmpty)
        }
        // The keen users' behaviours come out on top, and the too-many-valued ones not at all.
        let top = Self.findings(state, SuccessEvent(id: 1, eventType: "purchase", windowDays: 30, behaviourDays: 7, createdMs: 0), parts: 2)
        #expect(top.contains { $0.behaviour == DiscoveryBehaviour(kind: .event, eventType: "setup") })
        #expect(!top.contains { $0.behaviour.key == "order_id" || $0.behaviour.eventType == "search" && $0.behaviour.kind == .page })
        #expect(top.allSatisfy { $0.interval.low < $0.lift && $0.lift < $0.interval.high })
    }

    @Test func anUnknownSuccessEventFindsNothing() throws {
        let (state, _) = try Self.scenario(seed: 4, events: 1_000)
        let cohort = state.discoveryCohort(SuccessEvent(id: 1, eventType: "never", windowDays: 30, behaviourDays: 7, createdMs: 0), nowMs: Self.now)
        #expect(cohort.reachedUsers == 0 && cohort.users > 0)
        #expect(state.discoveryFindings(cohort, part: 0, of: 1).isEmpty)
    }

    @Test func recordsFollowFindingsAndEdits() throws {
        var (state, _) = try Self.scenario(seed: 5, events: 3_000)
        try state.apply(DiscoveryEdit.addSuccessEvent(SuccessEvent(id: 1, eventType: "purchase", windowDays: 30, behaviourDays: 7, createdMs: 0)))
        #expect(state.refusal(of: DiscoveryEdit.addSuccessEvent(SuccessEvent(id: 2, eventType: "purchase", windowDays: 30, behaviourDays: 7, createdMs: 0)))
                == .duplicateEventType("purchase"))
        let findings = Self.findings(state, state.discoveries.successEvents[1]!, parts: 2)
        let edit = try #require(state.discoveryEdit(for: findings, nowMs: Self.now))
        try state.apply(edit)
        #expect(state.discoveries.records.count == findings.count)
        #expect(state.discoveryEdit(for: findings, nowMs: Self.now) == nil)   // found once only
        let id = try #require(state.discoveries.id(of: Discoveries.Key(successID: 1, behaviour: findings[0].behaviour)))
        try state.apply(DiscoveryEdit.mark(id: id, status: .reviewed, pinned: true, atMs: 5))
        #expect(state.discoveries.records[id]?.status == .reviewed && state.discoveries.records[id]?.pinned == true)
        #expect(state.refusal(of: DiscoveryEdit.mark(id: 999_999, status: nil, pinned: true, atMs: 5)) == .unknownDiscovery(999_999))
        for (i, type) in ["a", "b"].enumerated() {
            try state.apply(DiscoveryEdit.addSuccessEvent(SuccessEvent(id: 100_000 + i, eventType: type, windowDays: 30, behaviourDays: 7, createdMs: 0)))
        }
        #expect(state.refusal(of: DiscoveryEdit.addSuccessEvent(SuccessEvent(id: 200_000, eventType: "c", windowDays: 30, behaviourDays: 7, createdMs: 0)))
                == .tooManySuccessEvents)
        try state.apply(DiscoveryEdit.removeSuccessEvent(id: 1))
        #expect(state.discoveries.records.isEmpty && state.discoveries.id(of: Discoveries.Key(successID: 1, behaviour: findings[0].behaviour)) == nil)
    }
}
