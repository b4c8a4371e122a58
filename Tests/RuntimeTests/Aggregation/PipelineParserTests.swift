import Foundation
import Testing
@testable import Runtime

/// A bad pipeline fails naming the stage, the key and, in an expression, the column; the
/// timeSeries forms resolve to the seed's ranges.
struct PipelineParserTests {
    func error(_ json: String) -> PipelineError? { PipelineHarness.failure(json) }

    @Test func errorsNameTheStageTheKeyAndTheColumn() {
        let source = #"{"source": {"events": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": 1}}}"#
        let cases: [(String, String, Int?)] = [
            (#"{"pipeline": []}"#, "request.pipeline", nil),
            (#"[\#(source), {"filter": "numEvents >"}]"#, "request.pipeline[1].filter", 12),
            (#"[\#(source), {"filter": "a == 1", "limit": 3}]"#, "request.pipeline[1].limit", nil),
            (#"[\#(source), {"frobnicate": 1}]"#, "request.pipeline[1].frobnicate", nil),
            (#"[\#(source), {"limit": -1}]"#, "request.pipeline[1].limit", nil),
            (#"[\#(source), {"group": {"group": ["a"], "fields": {"n": {"average": "x"}}}}]"#, "request.pipeline[1].group.fields.n.average", nil),
            (#"[\#(source), {"eval": {"day": "1"}}]"#, "request.pipeline[1].eval.day", nil),
            (#"[\#(source), {"merge": {"fields": ["a"], "pipeline": [{"filter": "true"}]}}]"#, "request.pipeline[1].merge.pipeline", nil),
            (#"[\#(source), {"fork": [[{"filter": "x +"}]]}]"#, "request.pipeline[1].pipeline[0].filter", 4),
            (#"[{"source": {"events": null}}]"#, "request.pipeline[0].source.timeSeries", nil),
            (#"[{"source": {"visitors": null, "timeSeries": {"period": "dayRange", "first": 0, "count": 1}}}]"#, "request.pipeline[0].source.timeSeries", nil),
            (#"[{"source": {"bogus": null}}]"#, "request.pipeline[0].source", nil),
            (#"[{"source": {"events": {"pageId": "x"}, "timeSeries": {"period": "dayRange", "first": 0, "count": 1}}}]"#, "request.pipeline[0].source.events.pageId", nil),
            (#"[{"source": {"events": null, "timeSeries": {"period": "yearRange", "first": 0, "count": 1}}}]"#, "request.pipeline[0].source.timeSeries.period", nil),
            (#"[{"source": {"events": null, "timeSeries": {"period": "dayRange", "first": "date(1800, 1)", "count": 1}}}]"#, "request.pipeline[0].source.timeSeries.first", nil),
            (#"[{"source": {"events": null, "timeSeries": {"period": "hourRange", "first": 1693540800000, "count": 100000}}}]"#, "request.pipeline[0].source.timeSeries.count", nil),
            (#"[{"source": {"events": null, "timeSeries": {"period": "dayRange", "first": 1693540800000, "count": 1, "last": 5}}}]"#, "request.pipeline[0].source.timeSeries.count", nil),
            (#"[{"pes": {"appId": -323232, "firstDay": "now()"}}]"#, "request.pipeline[0].pes.dayCount", nil),
            (#"[{"stickiness": {"firstDay": "now()", "dayCount": -7, "config": {"numerator": "monthly", "denominator": "daily"}}}]"#, "request.pipeline[0].stickiness.config.denominator", nil),
            (#"[\#(source), {"sort": ["-"]}]"#, "request.pipeline[1].sort", nil),
            (#"[\#(source), {"unwind": {"field": "x", "keepEmpty": "yes"}}]"#, "request.pipeline[1].unwind.keepEmpty", nil),
            (#"[\#(source), {"itemSeen": {"seen": {}}}]"#, "request.pipeline[1].itemSeen.seen", nil),
        ]
        for (json, location, column) in cases {
            let e = error(json)
            #expect(e?.location == location, "\(json)")
            #expect(e?.column == column, "\(json)")
            #expect(e?.kind == .invalid || e?.kind == .tooLarge, "\(json)")
        }
    }

    @Test func deepOrLongPipelinesAreRefused() {
        var nested = #"[{"filter": "true"}]"#
        for _ in 0..<10 { nested = #"[{"fork": [\#(nested)]}]"# }
        #expect(error(nested)?.kind == .tooLarge)
        let long = "[" + Array(repeating: #"{"limit": 1}"#, count: 1_001).joined(separator: ",") + "]"
        #expect(error(long)?.kind == .tooLarge)
    }

    /// The seed's timeSeries table (3.3.1), in New York: examples 1–4 are Sep 1–5 2023; a negative
    /// count ends with the period before first's.
    @Test func timeSeriesFormsGiveTheSeedsRanges() throws {
        let newYork = TenantCalendar(timeZone: TimeZone(identifier: "America/New_York")!)
        let now: Int64 = 1_693_932_275_771   // 2023-09-05 12:44:35 EDT
        let environment = PipelineEnvironment(nowMs: now, calendar: newYork, isIdentified: { _ in true })
        func series(_ json: String) throws -> PipelineSource.TimeSeries {
            var parser = PipelineParser(environment: environment)
            let stages = try parser.parse(try PipelineHarness.pipelineValue(#"[{"source": {"events": null, "timeSeries": \#(json)}}]"#))
            guard case .source(let source) = stages[0] else { throw PipelineError(stage: [0], "not a source") }
            return source.timeSeries!
        }
        let sep1: Int64 = 1_693_540_800_000, sep6: Int64 = sep1 + 5 * 86_400_000
        for json in [#"{"period": "dayRange", "first": 1693540800000, "last": 1693932275771}"#,
                     #"{"period": "dayRange", "first": "date(2023, 9, 1)", "last": "date(2023, 9, 5, 12, 44, 35)"}"#,
                     #"{"period": "dayRange", "first": 1693540800000, "count": 5}"#] {
            let s = try series(json)
            #expect(s.firstMs == sep1 && s.endMs == sep6 && s.count == 5, "\(json)")
        }
        let hours = try series(#"{"period": "hourRange", "first": 1693540800000, "last": 1693932275771}"#)
        #expect(hours.firstMs == sep1 && hours.endMs == sep1 + (4 * 24 + 13) * 3_600_000)
        let back = try series(#"{"period": "dayRange", "first": "now()", "count": -5}"#)
        #expect(back.firstMs == sep1 - 86_400_000 && back.endMs == sep6 - 86_400_000)
        let weeks = try series(#"{"period": "weekRange", "first": "now()", "count": 1}"#)
        #expect(weeks.firstMs == 1_693_713_600_000)   // Sunday 2023-09-03 00:00 EDT
        let months = try series(#"{"period": "monthRange", "first": "now()", "count": -1}"#)
        #expect(months.firstMs == 1_690_862_400_000 && months.endMs == sep1)   // August 2023
    }
}
