import Foundation
import Testing
@testable import Runtime

/// The fast paths give the rows the general path gives, in the same order, over a sealed chunk
/// and the open one, merged users and events without an account.
struct PipelineFusedPathTests {
    static func run(_ json: String, fused: Bool) throws -> [PipelineRow] {
        let data = TenantPipelineData(state: PipelineSourceTests.world.0)
        data.allowsFusedPaths = fused
        let environment = data.environment(nowMs: PipelineSourceTests.now)
        var parser = PipelineParser(environment: environment)
        let stages = try parser.parse(try PipelineHarness.pipelineValue(json))
        var runner = PipelineRunner(data: data, environment: environment, budget: PipelineBudget { false })
        return try runner.run(stages)
    }

    static let sources = [
        #"{"source": {"events": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": -7}}}"#,
        #"{"source": {"events": null, "timeSeries": {"period": "hourRange", "first": "now()", "count": -30}}}"#,
        #"{"source": {"trackEvents": null, "timeSeries": {"period": "weekRange", "first": "now()", "count": -2}}}"#,
        #"{"source": {"pageEvents": {"pageId": "/billing"}, "timeSeries": {"period": "dayRange", "first": "now()", "count": -3}}}"#,
    ]

    static let tails = [
        #"{"group": {"group": ["visitorId"], "fields": {"events": {"sum": "numEvents"}}}}"#,
        #"{"group": {"group": ["accountId"], "fields": [{"visitors": {"count": "visitorId"}}, {"events": {"sum": "numEvents"}}]}}"#,
        #"{"group": {"group": ["PERIOD"], "fields": {"active": {"count": "visitorId"}, "accounts": {"count": "accountId"}}}}"#,
        #"{"group": {"group": ["visitorId", "PERIOD"], "fields": {"events": {"sum": "numEvents"}}}}"#,
        #"{"group": {"group": ["accountId", "visitorId", "appId"], "fields": {"periods": {"count": "PERIOD"}}}}"#,
        #"{"reduce": {"events": {"sum": "numEvents"}, "visitors": {"count": "visitorId"}}}"#,
    ]

    static let filters = ["", #"{"identified": "visitorId"},"#, #"{"identified": "!visitorId"},"#, #"{"filter": "accountId == `acct3`"},"#,
                          #"{"identified": "visitorId"}, {"filter": "visitorId == `u7@x.com` && accountId == `acct7`"},"#,
                          #"{"filter": "visitorId == `nobody`"},"#]

    @Test func groupedEventsGiveTheGeneralPathsRows() throws {
        for source in Self.sources {
            let period = ["dayRange": "day", "hourRange": "hour", "weekRange": "week"].first { source.contains($0.key) }!.value
            for tail in Self.tails {
                for filter in Self.filters {
                    let json = "[\(source), \(filter) \(tail.replacingOccurrences(of: "PERIOD", with: period))]"
                    let fast = try Self.run(json, fused: true), general = try Self.run(json, fused: false)
                    #expect(fast == general, "\(json)")
                }
            }
        }
        let nonEmpty = try Self.run("[\(Self.sources[0]), \(Self.tails[0])]", fused: true)
        #expect(nonEmpty.count > 100)
    }

    @Test func visitorsThroughSegmentsAndCounts() throws {
        for json in [#"[{"source": {"visitors": null}}, {"identified": "visitorId"}, {"segment": {"id": 1}}, {"count": null}]"#,
                     #"[{"source": {"visitors": null}}, {"segment": {"id": 1}}, {"select": {"v": "visitorId", "a": "metadata.auto.accountId"}}]"#,
                     #"[{"source": {"visitors": null}}, {"identified": "!visitorId"}, {"count": null}]"#] {
            #expect(try Self.run(json, fused: true) == Self.run(json, fused: false), "\(json)")
        }
    }
}

/// One visitor's events on the fast path, found by their raw id, and a merged visitor whose
/// events live under two ids, against the general path and a plain count.
struct PipelineFusedOneVisitorTests {
    @Test func oneVisitorAndAMergedOneAgreeWithTheGeneralPath() throws {
        let now: Int64 = 1_793_448_000_000
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 0))
        var sent: [(user: String, ms: Int64)] = []
        var batch: [EventInput] = []
        for i in 0..<(EventLog.chunkCapacity + 3_000) {
            let user = ["ann@x.com", "anon-7", "bob@x.com", "cy@x.com"][i % 4]
            let ms = now - 3 * 86_400_000 + Int64(i) * 1_000
            batch.append(EventInput(eventType: i % 3 == 0 ? "open" : "save", user: user, timestampMs: ms))
            sent.append((user, ms))
            if batch.count == 1_000 { _ = try state.ingest(batch, nowMs: now, anonymousID: "g"); batch = [] }
        }
        _ = try state.ingest(batch, nowMs: now, anonymousID: "g")
        _ = state.merge(anonymousID: "anon-7", into: "bob@x.com")
        for (visitor, raw) in [("ann@x.com", ["ann@x.com"]), ("bob@x.com", ["bob@x.com", "anon-7"])] {
            let json = #"[{"source": {"events": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": -4}}}, {"filter": "visitorId == `\#(visitor)`"}, {"reduce": {"events": {"sum": "numEvents"}}}]"#
            let answers = try [true, false].map { try PipelineHarness.run(state, now: now, json, fused: $0) }
            #expect(answers[0] == answers[1], "\(visitor)")
            let dayStart = now / 86_400_000 * 86_400_000
            let expected = sent.filter { raw.contains($0.user) && $0.ms >= dayStart - 4 * 86_400_000 && $0.ms < dayStart }.count
            #expect(answers[0].first?["events"] == .number(Double(expected)), "\(visitor)")
        }
        // Distinct visitors are told apart by raw id first: the merged one still counts once.
        let json = #"[{"source": {"events": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": -4}}}, {"reduce": {"visitors": {"count": "visitorId"}}}]"#
        let counts = try [true, false].map { try PipelineHarness.run(state, now: now, json, fused: $0) }
        #expect(counts[0] == counts[1] && counts[0].first?["visitors"] == .number(3))
    }
}
