import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Paths against a plain reference: sort each user's events, cut sessions at 30 minutes, take
/// the first anchor per session and the events next to it.
@Suite struct PathTests {
    struct Event { var user: String; var type: String; var page: String?; var ts: Int64; var order: Int }

    static func reference(_ events: [Event], anchor: String, depth: Int, direction: TenantState.PathDirection, byPage: Bool,
                          canonical: (String) -> String, inRange: (Int64) -> Bool) -> (sessions: Int, paths: [[String]: Int]) {
        var byUser: [String: [Event]] = [:]
        for e in events where inRange(e.ts) { byUser[canonical(e.user), default: []].append(e) }
        var sessions = 0
        var paths: [[String]: Int] = [:]
        for (_, list) in byUser {
            let sorted = list.sorted { ($0.ts, $0.order) < ($1.ts, $1.order) }
            var cut: [[Event]] = []
            for e in sorted {
                if let last = cut.last?.last, e.ts - last.ts <= TenantState.sessionGapMs { cut[cut.count - 1].append(e) } else { cut.append([e]) }
            }
            for session in cut {
                guard let a = session.firstIndex(where: { $0.type == anchor }) else { continue }
                sessions += 1
                let side = direction == .forward ? Array(session[(a + 1)...].prefix(depth)) : Array(session[..<a].suffix(depth).reversed())
                paths[side.map { byPage ? ($0.page ?? $0.type) : $0.type }, default: 0] += 1
            }
        }
        return (sessions, paths)
    }

    @Test(arguments: Array(0..<8))
    func pathsMatchTheReference(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed + 900))
        let zone = TimeZone(identifier: ["UTC", "America/New_York"][seed % 2])!
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: zone, retentionDays: 0))
        let now: Int64 = 1_793_448_000_000
        var events: [Event] = []
        var merged: [String: String] = [:]
        var batch: [EventInput] = []
        var clock = now - 6 * 86_400_000
        for i in 0..<Int.random(in: 200...2000, using: &rng) {
            clock += Int64.random(in: 0...(8 * 60_000), using: &rng)
            var ts = min(clock, now)
            if rng.next() % 15 == 0 { ts -= Int64.random(in: 0...(3 * 3_600_000), using: &rng) }   // late
            if rng.next() % 30 == 0, let last = events.last { ts = last.ts }                      // same instant
            let user = rng.next() % 10 == 0 ? "anon-\(rng.next() % 4)" : "u\(rng.next() % 12)"
            let type = ["login", "view", "export", "share"][Int(rng.next() % 4)]
            let page: String? = type == "view" ? "/p\(rng.next() % 3)" : nil
            events.append(Event(user: user, type: type, page: page, ts: ts, order: i))
            batch.append(EventInput(eventType: type, user: user, page: page, timestampMs: ts))
            if batch.count == 30 { _ = try state.ingest(batch, nowMs: now, anonymousID: "g"); batch = [] }
            if i == 500 {
                _ = try state.ingest(batch, nowMs: now, anonymousID: "g"); batch = []
                if case .merged = state.merge(anonymousID: "anon-1", into: "u3") { merged["anon-1"] = "u3" }
            }
        }
        _ = try state.ingest(batch, nowMs: now, anonymousID: "g")
        let range = DayRange(days: 5, endingOn: state.day(of: now))
        let startMs = state.calendar.startMs(of: range.first), endMs = state.calendar.startMs(of: range.last + 1)
        for direction in TenantState.PathDirection.allCases {
            for (depth, byPage) in [(1, false), (3, false), (4, true), (6, false), (5, true)] {
                let expected = Self.reference(events, anchor: "login", depth: depth, direction: direction, byPage: byPage,
                                              canonical: { merged[$0] ?? $0 }, inRange: { $0 >= startMs && $0 < endMs })
                let got = state.paths(from: state.eventTypeIndex("login")!, range: range, depth: depth, direction: direction,
                                      label: byPage ? .page : .event, limit: 10_000)
                #expect(got.sessions == expected.sessions, "\(direction) \(depth)")
                var gotPaths: [[String]: Int] = [:]
                for p in got.paths { gotPaths[p.labels] = p.sessions }
                #expect(gotPaths == expected.paths, "\(direction) depth \(depth)")
                for step in got.steps {
                    #expect(step.sessions == expected.paths.filter { $0.key.count >= step.step }.values.reduce(0, +))
                    #expect(step.dropOffs == expected.paths.filter { $0.key.count == step.step - 1 }.values.reduce(0, +))
                }
                #expect(got.paths.allSatisfy { $0.ranOut == ($0.labels.count < depth) })
            }
        }
    }
}
