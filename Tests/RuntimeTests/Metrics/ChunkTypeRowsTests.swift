import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Sealed chunks hand scans of a few event types only those types' rows: the answers must be
/// those of reading every row, on a log long enough to seal chunks.
@Suite struct ChunkTypeRowsTests {
    @Test func rowsOfTypesAreEachTypesRowsInRowOrder() {
        let types: [UInt32] = [3, 0, 3, 1, 0, 3, 2]
        let index = ChunkTypeRows(types)
        #expect(index.rows(ofTypes: [3]) == [0, 2, 5])
        #expect(index.rows(ofTypes: [0, 2]) == [1, 4, 6])
        #expect(index.rows(ofTypes: [9]) == [])
        #expect(ChunkTypeRows([]).rows(ofTypes: [0]) == [])
    }

    @Test func scansOfFewTypesOverSealedChunksCountEveryEvent() throws {
        var rng = SeededGenerator(seed: 77)
        let zone = TimeZone(identifier: "UTC")!
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: zone, retentionDays: 0))
        let nowMs: Int64 = 1_775_822_400_000
        let types = (0..<12).map { "t\($0)" }
        var perDay: [String: [Int64: Int]] = [:]
        var batch: [EventInput] = []
        for i in 0..<150_000 {
            let ts = nowMs - 6 * 86_400_000 + Int64(i) * 3_000 + Int64.random(in: 0..<90_000, using: &rng)
            let type = types[Int(rng.next() % UInt64(rng.next() % 3 == 0 ? 3 : 12))]
            batch.append(EventInput(eventType: type, user: "u\(rng.next() % 500)", timestampMs: ts))
            perDay[type, default: [:]][ts / 86_400_000, default: 0] += 1
            if batch.count == 1000 { _ = try state.ingest(batch, nowMs: nowMs, anonymousID: "g"); batch.removeAll() }
        }
        _ = try state.ingest(batch, nowMs: nowMs, anonymousID: "g")
        #expect(state.log.sealed.count == 2)
        let days = DayRange(days: 7, endingOn: state.day(of: nowMs))
        let window = MetricsWindow(days: days, granularity: .daily, calendar: state.calendar)
        for type in ["t0", "t7"] {
            let q = MetricsQuery(window: window).restricted(toEvent: type)
            let series = state.metricsCountSeries(state.metricsEventCounts(q), q)
            let expected = window.buckets.map { Double(perDay[type]?[$0.startMs / 86_400_000] ?? 0) }
            #expect(series.first?.values.map { $0 ?? 0 } == expected, "\(type)")
        }
        // The chains kernel (reading type rows) against the windowFunnel kernel (reading every row).
        let definition = TenantState.FunnelDefinition(steps: ["t0", "t1", "t5"].map { .init(eventType: state.eventTypeIndex($0)!) }, windowMs: 3_600_000)
        let range = DayRange(days: 5, endingOn: state.day(of: nowMs) - 1)
        let plain = state.funnel(definition, range: range)
        let chains = state.funnel(definition, startMs: state.calendar.startMs(of: range.first), endMs: state.calendar.startMs(of: range.last + 1))
        #expect(plain.steps.map(\.users) == chains.steps.map(\.users))
        #expect(plain.steps.map(\.users).last! > 0)
    }
}
