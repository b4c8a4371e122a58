import Foundation
import Testing
@testable import Actors
@testable import Runtime

/// A trend counted in parts across the cores equals the single pass, however the log is cut.
@Suite struct SplitScanTests {
    @Test(arguments: [1, 2, 3, 5])
    func splitTrendEqualsTheSinglePass(parts: Int) throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: TimeZone(identifier: "Asia/Kolkata")!, retentionDays: 0))
        let now: Int64 = 1_793_448_000_000
        var generator = SystemRandomNumberGenerator()
        var batch: [EventInput] = []
        // More than two chunks, so every part has sealed chunks to scan.
        for i in 0..<(EventLog.chunkCapacity * 2 + 5_000) {
            let country = ["US", "DE", "FR", "IN", "BR", "JP", "GB", "NL", "ES", "IT", "MX", "CA"][Int.random(in: 0..<12, using: &generator)]
            batch.append(EventInput(eventType: ["view", "click"][i % 2], user: "u\(i % 500)", timestampMs: now - Int64.random(in: 0..<(20 * 86_400_000), using: &generator),
                                    properties: i % 7 == 0 ? [] : [.init("country", country)]))
            if batch.count == 1000 { _ = try state.ingest(batch, nowMs: now, anonymousID: "g"); batch = [] }
        }
        _ = try state.ingest(batch, nowMs: now, anonymousID: "g")
        let range = DayRange(days: 14, endingOn: state.day(of: now))
        let type = try #require(state.eventTypeIndex("view"))
        let single = state.trend(of: type, range, groupBy: "country")
        var total = TenantState.TrendCounts(width: range.count)
        for part in SplitScan.run(state, parts: parts, { s, chunks in s.trendCounts(of: type, range, groupBy: "country", chunks: chunks) }) { total.add(part) }
        #expect(state.trendSeries(total) == single)
        #expect(SplitScan.ranges(chunkCount: 7, parts: 3).map(\.count).reduce(0, +) == 7)
    }
}
