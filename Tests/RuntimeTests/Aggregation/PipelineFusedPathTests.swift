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
