import Foundation
import TestSupport
import Testing
@testable import Runtime

/// Every operator against a naive reference over plain rows: random rows in, the same answer
/// computed by hand-written loops.
struct PipelineOperatorTests {
    static let seeds: [UInt64] = [1, 2, 3]

    func data(_ rows: [PlainRow]) -> ListData { ListData(rowsBySource: [.events: rows.map(\.row)]) }
    let source = #"{"source": {"events": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": -5}}}"#

    func number(_ row: PipelineRow, _ key: String) -> Double? { row[key]?.number }

    @Test(arguments: seeds) func filterSelectEvalLimitAndCount(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let rows = PlainRow.random(300, &rng)
        let kept = try PipelineHarness.run(#"[\#(source), {"filter": "numEvents > 20 && accountId != `a1` || numMinutes == 3"}]"#, data(rows))
        let naive = rows.filter { ($0.numEvents > 20 && $0.account != "a1") || $0.numMinutes == 3 }
        #expect(kept.map { $0["visitorId"]!.string! } == naive.map(\.visitor))

        let selected = try PipelineHarness.run(#"[\#(source), {"select": {"who": "visitorId", "twice": "numEvents * 2", "nested.m": "numMinutes"}}, {"limit": 50}]"#, data(rows))
        #expect(selected.count == 50)
        for (out, plain) in zip(selected, rows) {
            #expect(out.keys.sorted() == ["nested", "twice", "who"])
            #expect(out["twice"] == .number(Double(plain.numEvents * 2)))
            #expect(out[path: FieldPath("nested.m")] == .number(Double(plain.numMinutes)))
        }

        let evaluated = try PipelineHarness.run(#"[\#(source), {"eval": {"perMinute": "numEvents / numMinutes", "numEvents": "numEvents + 1"}}]"#, data(rows))
        for (out, plain) in zip(evaluated, rows) {
            // Both expressions read the incoming row.
            #expect(out["perMinute"] == .number(Double(plain.numEvents) / Double(plain.numMinutes)))
            #expect(out["numEvents"] == .number(Double(plain.numEvents + 1)))
            #expect(out["visitorId"] == .string(plain.visitor))
        }
        let counted = try PipelineHarness.run(#"[\#(source), {"filter": "numEvents >= 25"}, {"count": null}]"#, data(rows))
        #expect(counted == [["count": .number(Double(rows.filter { $0.numEvents >= 25 }.count))]])
    }

    @Test(arguments: seeds) func sortIsStableOnEveryKey(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let rows = PlainRow.random(200, &rng)
        let sorted = try PipelineHarness.run(#"[\#(source), {"sort": ["-numMinutes", "accountId"]}]"#, data(rows))
        // Naive: insertion sort, keeping earlier rows first among equals; a missing account sorts first.
        var naive: [PlainRow] = []
        for row in rows {
            var i = naive.count
            func before(_ a: PlainRow, _ b: PlainRow) -> Bool {
                if a.numMinutes != b.numMinutes { return a.numMinutes > b.numMinutes }
                switch (a.account, b.account) {
                case (nil, .some): return true
                case (.some(let x), .some(let y)): return x < y
                default: return false
                }
            }
            while i > 0, before(row, naive[i - 1]) { i -= 1 }
            naive.insert(row, at: i)
        }
        #expect(sorted.map { $0["visitorId"]!.string! } == naive.map(\.visitor))
        #expect(sorted.map { $0["numEvents"]!.number! } == naive.map { Double($0.numEvents) })
    }

    @Test(arguments: seeds) func groupComputesEveryAggregator(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let rows = PlainRow.random(400, &rng)
        let fields = #"""
        [{"rows": {"count": null}}, {"visitors": {"count": "visitorId"}}, {"events": {"sum": "numEvents"}},
         {"avgMinutes": {"avg": "numMinutes"}}, {"meanMinutes": {"mean": "numMinutes"}}, {"medianEvents": {"median": "numEvents"}},
         {"least": {"min": "numEvents"}}, {"most": {"max": "visitorId"}}, {"firstAgent": {"first": "userAgent"}},
         {"minutes": {"list": "numMinutes"}}, {"busy": {"countIf": {"count": null, "if": "numEvents > 25"}}},
         {"busyVisitors": {"countIf": {"count": "visitorId", "if": "numEvents > 25"}}}]
        """#
        let grouped = try PipelineHarness.run(#"[\#(source), {"group": {"group": ["accountId", "day"], "fields": \#(fields)}}]"#, data(rows))
        struct Key: Hashable { var account: String?; var day: Int }
        var order: [Key] = []
        var members: [Key: [PlainRow]] = [:]
        for row in rows {
            let key = Key(account: row.account, day: row.day)
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(row)
        }
        #expect(grouped.count == order.count)
        for (out, key) in zip(grouped, order) {
            let m = members[key]!
            #expect(out["accountId"] == (key.account.map(PipelineValue.string) ?? .null))
            #expect(out["day"] == .number(Double(key.day)))
            #expect(out["rows"] == .number(Double(m.count)))
            #expect(out["visitors"] == .number(Double(Set(m.map(\.visitor)).count)))
            #expect(out["events"] == .number(Double(m.reduce(0) { $0 + $1.numEvents })))
            let avg = Double(m.reduce(0) { $0 + $1.numMinutes }) / Double(m.count)
            #expect(abs(number(out, "avgMinutes")! - avg) < 1e-9)
            #expect(abs(number(out, "meanMinutes")! - avg) < 1e-9)
            let events = m.map(\.numEvents).sorted()
            let median = events.count % 2 == 1 ? Double(events[events.count / 2]) : Double(events[events.count / 2 - 1] + events[events.count / 2]) / 2
            #expect(out["medianEvents"] == .number(median))
            #expect(out["least"] == .number(Double(events.first!)))
            #expect(out["most"] == .string(m.map(\.visitor).max()!))
            #expect(out["firstAgent"] == .string(m[0].agent))
            #expect(out["minutes"] == .list(m.map { .number(Double($0.numMinutes)) }))
            #expect(out["busy"] == .number(Double(m.filter { $0.numEvents > 25 }.count)))
            #expect(out["busyVisitors"] == .number(Double(Set(m.filter { $0.numEvents > 25 }.map(\.visitor)).count)))
        }
    }

    @Test(arguments: seeds) func reduceTakesBothShapes(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let rows = PlainRow.random(100, &rng)
        let object = try PipelineHarness.run(#"[\#(source), {"reduce": {"total": {"sum": "numEvents"}, "who": {"count": "visitorId"}}}]"#, data(rows))
        let list = try PipelineHarness.run(#"[\#(source), {"reduce": [{"total": {"sum": "numEvents"}}, {"who": {"count": "visitorId"}}]}]"#, data(rows))
        let naive: PipelineRow = ["total": .number(Double(rows.reduce(0) { $0 + $1.numEvents })), "who": .number(Double(Set(rows.map(\.visitor)).count))]
        #expect(object == [naive])
        #expect(list == [naive])
        // Over no rows: a sum of 0, an average of null.
        let empty = try PipelineHarness.run(#"[\#(source), {"filter": "false"}, {"reduce": {"s": {"sum": "numEvents"}, "a": {"avg": "numEvents"}}}]"#, data(rows))
        #expect(empty == [["s": .number(0), "a": .null]])
    }

    @Test(arguments: seeds) func unwindEmitsOneRowPerElement(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let rows = PlainRow.random(80, &rng)
        for (keepEmpty, prefix) in [(false, false), (true, false), (false, true)] {
            let out = try PipelineHarness.run(#"[\#(source), {"unwind": {"field": "tags", "index": "i", "keepEmpty": \#(keepEmpty), "prefix": \#(prefix)}}]"#, data(rows))
            var naive: [(String, PipelineValue, PipelineValue)] = []
            for row in rows {
                if row.tags.isEmpty { if keepEmpty { naive.append((row.visitor, .list([]), .null)) }; continue }
                for (i, tag) in row.tags.enumerated() {
                    let value: PipelineValue = prefix ? .list(row.tags[...i].map(PipelineValue.string)) : .string(tag)
                    naive.append((row.visitor, value, .number(Double(i))))
                }
            }
            #expect(out.count == naive.count)
            for (o, n) in zip(out, naive) {
                #expect(o["visitorId"] == .string(n.0))
                #expect(o["tags"] == n.1)
                #expect((o["i"] ?? .null) == n.2)
            }
        }
    }

    @Test(arguments: seeds) func switchTakesTheFirstMatchingCaseAndDropsTheRest(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let rows = PlainRow.random(150, &rng)
        let out = try PipelineHarness.run(#"""
            [\#(source), {"switch": {"size": {"numEvents": [{"value": "small", "<": 10}, {"value": "medium", ">=": 10, "<": 30}, {"value": "exact", "==": 40}]}}}]
            """#, data(rows))
        let naive = rows.compactMap { r -> (String, String)? in
            if r.numEvents < 10 { return (r.visitor, "small") }
            if r.numEvents >= 10 && r.numEvents < 30 { return (r.visitor, "medium") }
            if r.numEvents == 40 { return (r.visitor, "exact") }
            return nil
        }
        #expect(out.map { $0["visitorId"]!.string! } == naive.map(\.0))
        #expect(out.map { $0["size"]!.string! } == naive.map(\.1))
    }

    @Test(arguments: seeds) func identifiedSegmentAndBulkExpand(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let rows = PlainRow.random(200, &rng)
        var d = data(rows)
        let chosen = Set(rows.prefix(30).map(\.visitor))
        d.segments["7"] = chosen
        for v in chosen { d.objects["visitor:\(v)"] = .object(["id": .string(v), "auto": .object(["plan": .string("pro-\(v)")])]) }
        let identified = try PipelineHarness.run(#"[\#(source), {"identified": "visitorId"}]"#, d)
        #expect(identified.map { $0["visitorId"]!.string! } == rows.filter { !$0.visitor.hasPrefix("_PENDO_T_") }.map(\.visitor))
        let anonymous = try PipelineHarness.run(#"[\#(source), {"identified": "!visitorId"}]"#, d)
        #expect(anonymous.count == rows.filter { $0.visitor.hasPrefix("_PENDO_T_") }.count)
        let inSegment = try PipelineHarness.run(#"[\#(source), {"segment": {"id": 7}}, {"bulkExpand": {"v": {"visitor": "visitorId"}}}]"#, d)
        #expect(inSegment.map { $0["visitorId"]!.string! } == rows.filter { chosen.contains($0.visitor) }.map(\.visitor))
        for row in inSegment { #expect(row[path: FieldPath("v.auto.plan")] == .string("pro-\(row["visitorId"]!.string!)")) }
        let expandedAll = try PipelineHarness.run(#"[\#(source), {"bulkExpand": {"v": {"visitor": "visitorId"}}}]"#, d)
        #expect(expandedAll.filter { $0["v"] == .null }.count == rows.filter { !chosen.contains($0.visitor) }.count)
        #expect(PipelineHarness.failure(#"[\#(source), {"segment": {"id": "99"}}]"#, d)?.kind == .notFound)
    }

    @Test(arguments: seeds) func joinMergesRowsSharingTheKey(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let rows = PlainRow.random(120, &rng)
        let out = try PipelineHarness.run(#"[\#(source), {"join": {"fields": ["visitorId"], "width": 2}}]"#, data(rows))
        // Naive: pairs of rows with one visitor, later fields over earlier; odd ones out last.
        var emitted: [(String, Int)] = []
        var open: [String: (order: Int, events: Int, count: Int)] = [:]
        for (n, r) in rows.enumerated() {
            var e = open[r.visitor] ?? (n, 0, 0)
            e.events = r.numEvents; e.count += 1
            if e.count == 2 { emitted.append((r.visitor, e.events)); open[r.visitor] = nil } else { open[r.visitor] = e }
        }
        let rest = open.sorted { $0.value.order < $1.value.order }.map { ($0.key, $0.value.events) }
        #expect(out.map { $0["visitorId"]!.string! } == (emitted + rest).map(\.0))
        #expect(out.map { Int($0["numEvents"]!.number!) } == (emitted + rest).map(\.1))
    }

    @Test(arguments: seeds) func mergeCopiesFieldsOfTheMatchingInnerRow(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let rows = PlainRow.random(100, &rng)
        var d = data(rows)
        let accounts = (0..<4).map { a -> PipelineRow in ["id": .string("a\(a)"), "name": .string("Account \(a)"), "tier": PipelineValue(a)] }
        d.rowsBySource[.accounts] = accounts
        let mapped = try PipelineHarness.run(#"""
            [\#(source), {"merge": {"fields": ["accountId"], "mappings": {"accountId": "id", "accountName": "name"}, "pipeline": [{"source": {"accounts": null}}]}}]
            """#, d)
        for (out, r) in zip(mapped, rows) {
            let known = r.account.flatMap { a in Int(a.dropFirst()) }.map { $0 < 4 } ?? false
            #expect(out["accountName"] == (known ? .string("Account \(r.account!.dropFirst())") : nil))
            #expect(out["tier"] == nil)
        }
        d.rowsBySource[.accounts] = accounts.map { var r = $0; r["accountId"] = r["id"]; return r }
        let all = try PipelineHarness.run(#"[\#(source), {"merge": {"fields": ["accountId"], "pipeline": [{"source": {"accounts": null}}]}}]"#, d)
        for (out, r) in zip(all, rows) where r.account == "a2" {
            #expect(out["tier"] == .number(2))
            #expect(out["name"] == .string("Account 2"))
        }
    }

    @Test(arguments: seeds) func forkAndSpawnConcatenate(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let rows = PlainRow.random(60, &rng)
        var d = data(rows)
        d.rowsBySource[.apps] = [["id": .number(-323232), "name": .string("Beacon")]]
        let forked = try PipelineHarness.run(#"[\#(source), {"fork": [[{"filter": "numEvents > 30"}], [{"count": null}]]}]"#, d)
        let big = rows.filter { $0.numEvents > 30 }
        #expect(forked.count == big.count + 1)
        #expect(forked.last == ["count": .number(Double(rows.count))])
        let spawned = try PipelineHarness.run(#"[{"spawn": [[\#(source), {"limit": 5}], [{"source": {"apps": null}}]]}]"#, d)
        #expect(spawned.count == 6)
        #expect(spawned.last?["name"] == .string("Beacon"))
    }

    @Test func useragentParsesBrowsersSystemsAndDevices() throws {
        let cases: [(String, String, String, String, String)] = [
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Safari/537.36", "Chrome", "120.0", "Windows", "desktop"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15", "Safari", "17.1", "macOS", "desktop"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1", "Safari", "17.1", "iOS", "mobile"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.61", "Edge", "120.0", "Windows", "desktop"),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox", "121.0", "Linux", "desktop"),
            ("Mozilla/5.0 (Linux; Android 14; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36", "Chrome", "119.0", "Android", "tablet"),
            ("Googlebot/2.1 (+http://www.google.com/bot.html)", "Googlebot", "2.1", "", "bot"),
            ("Chrome", "Chrome", "", "", "desktop"),
            ("", "", "", "", "desktop"),
        ]
        for (text, name, version, os, device) in cases {
            let parsed = PipelineUserAgent.parse(text)
            #expect(parsed[path: FieldPath("name")] == .string(name), "\(text)")
            #expect(parsed[path: FieldPath("version")] == .string(version), "\(text)")
            #expect(parsed[path: FieldPath("os")] == .string(os), "\(text)")
            #expect(parsed[path: FieldPath("device")] == .string(device), "\(text)")
        }
    }

    @Test func budgetsEndAPipelineWithAClearError() throws {
        var rng = SeededGenerator(seed: 9)
        let d = data(PlainRow.random(10_000, &rng))
        let large = #expect(throws: PipelineError.self) { try PipelineHarness.run(#"[\#(source), {"unwind": {"field": "tags"}}]"#, d, maximumRows: 5_000) }
        #expect(large?.kind == .tooLarge)
        let slow = #expect(throws: PipelineError.self) { try PipelineHarness.run(#"[\#(source), {"filter": "numEvents > 1"}]"#, d, pastDeadline: true) }
        #expect(slow?.kind == .tooSlow)
        #expect(slow?.stage == [0] || slow?.stage == [1])
    }
}
