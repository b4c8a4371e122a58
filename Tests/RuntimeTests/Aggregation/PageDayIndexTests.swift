import Foundation
import Testing
@testable import Runtime

/// `pageEvents` by day, week or month from the page day index give the general path's rows, in
/// the same order: over late events (which put periods out of time order in the log), pages
/// defined by rules (a view counting for two pages), the open chunk, identified filters and
/// page ids; and the index itself matches a plain count of the page views.
struct PageDayIndexTests {
    static func run(_ state: TenantState, now: Int64, _ json: String, fused: Bool) throws -> [PipelineRow] { try PipelineHarness.run(state, now: now, json, fused: fused) }

    static let tails = [
        #"{"group": {"group": ["PERIOD"], "fields": {"events": {"sum": "numEvents"}, "visitors": {"count": "visitorId"}}}}"#,
        #"{"group": {"group": ["PERIOD", "appId"], "fields": {"visitors": {"count": "visitorId"}}}}"#,
        #"{"group": {"group": ["appId"], "fields": {"events": {"sum": "numEvents"}, "periods": {"count": "PERIOD"}}}}"#,
        #"{"reduce": {"events": {"sum": "numEvents"}, "visitors": {"count": "visitorId"}, "periods": {"count": "PERIOD"}}}"#,
        #"{"identified": "visitorId"}, {"reduce": {"visitors": {"count": "visitorId"}, "periods": {"count": "PERIOD"}}}"#,
        #"{"identified": "!visitorId"}, {"reduce": {"visitors": {"count": "visitorId"}}}"#,
    ]

    @Test(arguments: ["pageEvents": nil, "billing": "{\"pageId\": \"billing\"}", "home": "{\"pageId\": \"/home\"}"] as [String: String?])
    func indexedPeriodsGiveTheGeneralPathsRows(_ name: String, _ parameters: String?) throws {
        let worlds: [(TenantState, Int64)] = [(PipelineSourceTests.world.0, PipelineSourceTests.now), (TaggingSourceTests.world.0, TaggingSourceTests.now)]
        for (state, now) in worlds {
            for period in ["dayRange": "day", "weekRange": "week", "monthRange": "month"] {
                for tail in Self.tails {
                    let source = #"{"source": {"pageEvents": \#(parameters ?? "null"), "timeSeries": {"period": "\#(period.key)", "first": "now()", "count": -20}}}"#
                    let json = "[\(source), \(tail.replacingOccurrences(of: "PERIOD", with: period.value))]"
                    let fused = try Self.run(state, now: now, json, fused: true), general = try Self.run(state, now: now, json, fused: false)
                    #expect(fused == general, "\(name) \(period.key) \(tail)")
                }
            }
        }
    }

    /// The index answers what it can and declines the rest (accounts, hours, identified periods).
    @Test func theIndexPathIsTakenWhereItCanBe() throws {
        let data = TenantPipelineData(state: PipelineSourceTests.world.0)
        var parser = PipelineParser(environment: data.environment(nowMs: PipelineSourceTests.now))
        func groups(_ period: String, _ filter: TenantPipelineData.EventFilter, keys: [TenantPipelineData.FusedKey],
                    wanted: [TenantPipelineData.FusedAggregate]) throws -> TenantPipelineData.FusedGroups? {
            let stages = try parser.parse(try PipelineHarness.pipelineValue(#"[{"source": {"pageEvents": null, "timeSeries": {"period": "\#(period)", "first": "now()", "count": -9}}}]"#))
            guard case .source(let source) = stages[0], let series = source.timeSeries else { return nil }
            var calendar = PipelineSourceTests.world.0.calendar
            var boundaries = [series.firstMs]
            for _ in 0..<series.count { boundaries.append(series.period.advance(boundaries.last!, by: 1, &calendar)) }
            var budget = PipelineBudget { false }
            return try data.pageDayGroups(source, series, filter, keys: keys, wanted: wanted, boundaries: boundaries, &budget)
        }
        let indexed = try #require(try groups("dayRange", .init(), keys: [.period], wanted: [.events, .distinct(.visitorId)]))
        #expect(indexed.count >= 8 && indexed.counts.allSatisfy { $0 > 0 })
        #expect(try groups("hourRange", .init(), keys: [.period], wanted: [.events]) == nil)
        #expect(try groups("dayRange", .init(), keys: [.accountId], wanted: [.events]) == nil)
        #expect(try groups("dayRange", .init(identified: true), keys: [.period], wanted: [.distinct(.visitorId)]) == nil)
        #expect(try groups("dayRange", .init(identified: true), keys: [], wanted: [.distinct(.visitorId)]) != nil)
    }

    @Test func theIndexCountsWhatAPlainPassCounts() throws {
        let state = PipelineSourceTests.world.0
        var calendar = state.calendar
        var naive: [DayNumber: [UInt32: (users: Set<UInt32>, count: Int)]] = [:]
        for chunk in state.log.sealed.map(\.columns) {
            for row in 0..<chunk.count where state.eventTypeNames.string(chunk.types[row]) == "page_view" && chunk.pages[row] != PageIndex.none.rawValue {
                let day = calendar.day(of: chunk.timestamps[row])
                var entry = naive[day, default: [:]][chunk.pages[row], default: ([], 0)]
                entry.users.insert(chunk.users[row]); entry.count += 1
                naive[day, default: [:]][chunk.pages[row]] = entry
            }
        }
        #expect(!naive.isEmpty && state.log.open.count > 0)
        for (day, pages) in naive {
            for (page, entry) in pages {
                let views = try #require(state.pageDays[day]?.pages[page])
                #expect(views.count == entry.count && Set(views.users.members) == entry.users)
            }
            #expect(state.pageDays[day]?.pages.count == pages.count)
        }
    }
}
