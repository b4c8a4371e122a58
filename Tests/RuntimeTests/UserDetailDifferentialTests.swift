import Foundation
import Testing
import TestSupport
@testable import Runtime

/// A user's latest events come from the chunks that reach into their newest active days; the
/// answer equals a naive pass over every event sent (late events and merges included).
@Suite struct UserDetailDifferentialTests {
    @Test(arguments: [1, 2, 3] as [UInt64])
    func latestEventsMatchANaivePass(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let now: Int64 = 1_793_448_000_000
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: TimeZone(identifier: "America/New_York")!, retentionDays: 0))
        var sent: [(user: String, type: String, ms: Int64)] = []
        var owner: [String: String] = [:]   // anonymous id -> the user it was merged into
        var usedTimes = Set<Int64>()
        var batch: [EventInput] = []
        // Enough events for several chunks, spread over 60 days, a tenth of them late.
        for i in 0..<(EventLog.chunkCapacity * 2 + 7_000) {
            var ms = now - 60 * 86_400_000 + Int64(i) * (60 * 86_400_000 / Int64(EventLog.chunkCapacity * 2 + 7_000))
            if rng.chance(0.1) { ms -= Int64.random(in: 0...(20 * 86_400_000), using: &rng) }
            while !usedTimes.insert(ms).inserted { ms += 1 }
            let user = rng.chance(0.05) ? "anon-\(Int.random(in: 0..<20, using: &rng))" : "u\(Int.random(in: 0..<300, using: &rng))@x.com"
            let type = ["login", "view", "export"][Int.random(in: 0..<3, using: &rng)]
            batch.append(EventInput(eventType: type, user: user, timestampMs: ms))
            sent.append((user, type, ms))
            if batch.count == 1000 { _ = try state.ingest(batch, nowMs: now, anonymousID: "g"); batch = [] }
            if i % 30_000 == 29_999 {
                _ = try state.ingest(batch, nowMs: now, anonymousID: "g"); batch = []
                let anonymous = "anon-\(Int.random(in: 0..<20, using: &rng))", user = "u\(Int.random(in: 0..<300, using: &rng))@x.com"
                if owner[anonymous] == nil, state.userIndex(anonymous) != nil, case .merged = state.merge(anonymousID: anonymous, into: user) {
                    owner[anonymous] = user
                }
            }
        }
        _ = try state.ingest(batch, nowMs: now, anonymousID: "g")
        for name in ["u1@x.com", "u7@x.com", "u150@x.com", "u299@x.com"] + owner.values.prefix(3) {
            for limit in [1, 10, 50, 100_000] {
                let detail = try #require(state.userDetail(name, eventsLimit: limit))
                let naive = sent.filter { (owner[$0.user] ?? $0.user) == name }.sorted { $0.ms > $1.ms }.prefix(limit)
                #expect(detail.latestEvents.map(\.timestampMs) == naive.map(\.ms), "\(name) limit \(limit)")
                #expect(detail.latestEvents.map(\.eventType) == naive.map(\.type))
            }
        }
    }
}

/// The funnels of many nudges, their goals counted in one pass, equal a naive count per nudge.
@Suite struct NudgeProgressDifferentialTests {
    @Test func oneScanForAllGoalsEqualsANaiveCountPerNudge() throws {
        var rng = SeededGenerator(seed: 5)
        let now: Int64 = 1_793_448_000_000
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let types = ["login", "share", "export", "invite"]
        var sent: [(user: String, type: String, ms: Int64)] = []
        var batch: [EventInput] = []
        for i in 0..<20_000 {
            let e = (user: "u\(Int.random(in: 0..<200, using: &rng))", type: types[Int.random(in: 0..<4, using: &rng)], ms: now - 86_400_000 + Int64(i) * 4_000)
            sent.append(e)
            batch.append(EventInput(eventType: e.type, user: e.user, timestampMs: e.ms))
            if batch.count == 1000 { _ = try state.ingest(batch, nowMs: now, anonymousID: "g"); batch = [] }
        }
        var shown: [Int: [String: Int64]] = [:]
        for id in 1...6 {
            let goal: String? = id == 6 ? nil : types[id % 4]
            try state.apply(.create(NudgeDefinition(title: "n\(id)", targetPage: "/", goalEvent: goal), id: id, nowMs: now))
            for _ in 0..<30 {
                let user = "u\(Int.random(in: 0..<200, using: &rng))", at = now - 86_400_000 + Int64.random(in: 0..<80_000_000, using: &rng)
                guard state.userIndex(user) != nil else { continue }
                try state.apply(.track(id: id, user: user, action: .impression, atMs: at))
                if shown[id, default: [:]][user] == nil { shown[id, default: [:]][user] = at }
            }
        }
        let list = state.nudges.byID.values.sorted { $0.id < $1.id }
        let funnels = state.audienceFunnels(list)
        for (nudge, funnel) in zip(list, funnels) {
            guard let goal = nudge.goalEvent else { #expect(funnel.progressed == nil); continue }
            let firstShown = shown[nudge.id] ?? [:]
            var progressed = Set<String>()
            for e in sent where e.type == goal {
                if let shownAt = firstShown[e.user], e.ms > shownAt { progressed.insert(e.user) }
            }
            let naive = progressed.count
            #expect(funnel.progressed == naive, "nudge \(nudge.id)")
        }
        #expect(state.nudgeImpact().progressed == funnels.compactMap(\.progressed).reduce(0, +))
    }
}
