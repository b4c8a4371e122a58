import Foundation
import Testing
import TestSupport
@testable import Runtime

/// The session index kept on ingest (late events, merges) against sessions cut the plain way from
/// the events, against the scan, and against itself rebuilt from the log.
@Suite struct SessionIndexDifferentialTests {
    /// Runs of a user's sorted times with gaps of at most 30 minutes, per day (UTC) of the first.
    static func plainSessions(_ times: [String: [Int64]]) -> [Int64: (sessions: Int, durationMs: Int64, bounces: Int)] {
        var out: [Int64: (sessions: Int, durationMs: Int64, bounces: Int)] = [:]
        for list in times.values {
            var runs: [[Int64]] = []
            for ts in list.sorted() {
                if let last = runs.last?.last, ts - last <= 1_800_000 { runs[runs.count - 1].append(ts) } else { runs.append([ts]) }
            }
            for run in runs {
                let day = Int64((Double(run[0]) / 86_400_000).rounded(.down))
                out[day, default: (0, 0, 0)].sessions += 1
                out[day]!.durationMs += run.last! - run[0]
                out[day]!.bounces += run.count == 1 ? 1 : 0
            }
        }
        return out
    }

    @Test(arguments: Array(0..<8))
    func dayTotalsAgreeWithPlainSessions(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed) + 9100)
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: TimeZone(identifier: "UTC")!, retentionDays: 0))
        let nowMs: Int64 = 1_775_822_400_000
        var times: [String: [Int64]] = [:]
        var mergedInto: [String: String] = [:]
        var ts = nowMs - 6 * 86_400_000
        var batch: [EventInput] = []
        for _ in 0..<4_000 {
            ts += Int64.random(in: 0...(25 * 60_000), using: &rng) / 6
            var at = ts
            if rng.next() % 8 == 0 { at -= Int64.random(in: 0...(2 * 86_400_000), using: &rng) }   // late, often far back
            if rng.next() % 50 == 0 { at = ts - Int64.random(in: 0...(29 * 60_000), using: &rng) }   // just behind
            let user = rng.next() % 6 == 0 ? "anon-\(rng.next() % 8)" : "u\(rng.next() % 15)"
            batch.append(EventInput(eventType: "e", user: user, timestampMs: at))
            times[user, default: []].append(at)
            if batch.count >= Int.random(in: 1...60, using: &rng) {
                _ = try state.ingest(batch, nowMs: nowMs, anonymousID: "g")
                batch.removeAll()
                if rng.next() % 10 == 0 {
                    let anonymous = "anon-\(rng.next() % 8)", known = "u\(rng.next() % 15)"
                    if mergedInto[anonymous] == nil, state.userIndex(anonymous) != nil, case .merged = state.merge(anonymousID: anonymous, into: known) {
                        mergedInto[anonymous] = known
                    }
                }
            }
        }
        _ = try state.ingest(batch, nowMs: nowMs, anonymousID: "g")
        #expect(!mergedInto.isEmpty)
        var byUser: [String: [Int64]] = [:]
        for (user, list) in times { byUser[mergedInto[user] ?? user, default: []].append(contentsOf: list) }
        let expected = Self.plainSessions(byUser)
        var total = 0
        for day in (state.day(of: nowMs) - 9)...(state.day(of: nowMs) + 1) {
            let got = state.sessionIndex.totals(on: day), want = expected[Int64(day)] ?? (0, 0, 0)
            #expect(got.sessions == want.sessions && got.durationMs == want.durationMs && got.bounces == want.bounces, "day \(day)")
            total += got.sessions
        }
        #expect(total > 50)
        // Rebuilt from the log (as after loading a snapshot): the same sessions and totals.
        var rebuilt = state
        rebuilt.rebuildSessionIndex()
        #expect(rebuilt.sessionIndex.spans.enumerated().allSatisfy { u, spans in spans == (u < state.sessionIndex.spans.count ? state.sessionIndex.spans[u] : []) })
        for day in (state.day(of: nowMs) - 9)...(state.day(of: nowMs)) { #expect(rebuilt.sessionIndex.totals(on: day) == state.sessionIndex.totals(on: day)) }
        // The metrics answer from the index equals the scan's: a window past the newest event in
        // full, an earlier one in counts.
        let today = state.day(of: nowMs)
        for (window, countsOnly) in [(DayRange(days: 5, endingOn: today + 1), false), (DayRange(days: 4, endingOn: today - 2), true)] {
            let query = MetricsQuery(window: MetricsWindow(days: window, granularity: .daily, calendar: state.calendar))
            let indexed = try #require(state.sessionsFromIndex(query, countsOnly: countsOnly))
            // A condition every event passes sends the question to the scan.
            let conditioned = MetricsQuery(window: query.window, conditions: [MetricsCondition(field: .eventName, op: .eq, values: ["e"])])
            let fromScan = state.sessions(conditioned)
            #expect(indexed.map(\.sessions) == fromScan.map(\.sessions))
            if !countsOnly { #expect(indexed == fromScan) }
        }
        // Durations would be cut at a window's end with later events: the index declines.
        let earlier = MetricsQuery(window: MetricsWindow(days: DayRange(days: 2, endingOn: today - 2), granularity: .daily, calendar: state.calendar))
        #expect(state.sessionsFromIndex(earlier, countsOnly: false) == nil)
    }
}
