import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Pages, features and groups defined by rules, read through the pipeline, against a plain
/// pass over the events as sent: which page or feature each event belongs to is labelled by
/// hand (per path and per recorded element), not worked out by the engine's matchers.
struct TaggingSourceTests {
    struct Sent { var user: String; var type: String; var page: String; var ms: Int64; var click: Int?; var button: String? }

    static let now: Int64 = 1_793_448_000_000   // 2026-11-01 12:00 UTC
    static let day: Int64 = 86_400_000
    static let paths = ["/home", "/billing", "/billing/invoices", "/billing/invoices/42", "/Reports/7?tab=chart", "/reports/8?tab=table", "/settings/team", "/settings"]
    /// Per path, the defined pages it is on, by hand.
    static let pagesOfPath: [String: [String]] = [
        "/billing": ["billing"], "/billing/invoices": ["billing"], "/billing/invoices/42": ["billing", "invoice"],
        "/Reports/7?tab=chart": ["charts"], "/settings/team": ["settings"], "/settings": ["settings"],
    ]
    static let clicks = [("#checkout > button.buy.primary", "Buy now"), ("#checkout > div.row > button.buy", "Buy"),
                         ("main > div.card:nth-of-type(2) > a", "Open report"), ("[data-beacon=\"export\"]", "Export"), ("#nav > a.link", "Help")]
    /// Per feature, the events it counts, by hand.
    static func featuresOf(_ e: Sent) -> [String] {
        var out: [String] = []
        if let c = e.click {
            if [0, 1].contains(c) { out.append("buy") }
            if c == 0 { out.append("buy-direct") }
            if c == 3 { out.append("export") }
            if c == 2 { out.append("open") }
            if [0, 1].contains(c), e.page.hasPrefix("/billing") { out.append("billing-buy") }
        }
        if e.type == "button_clicked", e.button == "save" { out.append("save") }
        return out.sorted()
    }

    static let world: (TenantState, [Sent]) = {
        var rng = SeededGenerator(seed: 11)
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 0))
        var sent: [Sent] = []
        var batch: [EventInput] = []
        let total = EventLog.chunkCapacity + 5_000
        for i in 0..<total {
            let ms = now - 10 * day + Int64(i) * (10 * day / Int64(total))
            let user = "u\(Int.random(in: 0..<60, using: &rng))@x.com"
            let page = paths[Int.random(in: 0..<paths.count, using: &rng)]
            var e = Sent(user: user, type: ["page_view", "page_view", "click", "button_clicked", "login"][Int.random(in: 0..<5, using: &rng)], page: page, ms: ms)
            var properties: [EventInput.Property] = []
            if e.type == "click" {
                let c = Int.random(in: 0..<clicks.count, using: &rng)
                e.click = c
                properties = [.init("selector", clicks[c].0), .init("text", clicks[c].1)]
            }
            if e.type == "button_clicked" {
                e.button = ["save", "cancel"][Int.random(in: 0..<2, using: &rng)]
                properties = [.init("button", e.button!)]
            }
            batch.append(EventInput(eventType: e.type, user: user, page: e.type == "login" ? nil : page, timestampMs: ms, properties: properties))
            if e.type == "login" { e.page = "" }
            sent.append(e)
            if batch.count == 1_000 { _ = try! state.ingest(batch, nowMs: now, anonymousID: "g"); batch = [] }
        }
        _ = try! state.ingest(batch, nowMs: now, anonymousID: "g")
        func page(_ id: String, _ rules: [String]) -> TaggingEdit { .definePage(.init(id: id, name: id.capitalized, rules: rules.map { try! PageRule($0) }, createdMs: now, updatedMs: now)) }
        func feature(_ id: String, types: [String] = [], selectors: [String] = [], text: String? = nil, properties: [String: String] = [:], page: String? = nil) -> TaggingEdit {
            .defineFeature(.init(id: id, name: id, eventTypes: types, selectors: selectors.map { try! ElementSelector($0) }, text: text, properties: properties,
                                 pageID: page, createdMs: now, updatedMs: now))
        }
        for edit in [page("billing", ["//*/billing/**"]), page("invoice", ["//*/billing/invoices/*"]), page("charts", ["//*/reports/*?tab=chart"]),
                     page("settings", ["/settings", "//*/settings/team"]),
                     feature("buy", selectors: ["#checkout button.buy"]), feature("buy-direct", selectors: ["#checkout > button"]),
                     feature("export", selectors: ["[data-beacon=export]"]), feature("open", text: "Open *"),
                     feature("save", types: ["button_clicked"], properties: ["button": "save"]), feature("billing-buy", selectors: ["button.buy"], page: "billing"),
                     .defineGroup(.init(id: "money", name: "Money", type: .group, description: "d", color: "#0a0", items: [.init(type: .page, id: "billing"), .init(type: .feature, id: "export")],
                                        createdMs: now, updatedMs: now))] {
            try! state.apply(edit)
        }
        return (state, sent)
    }()

    static func run(_ json: String, fused: Bool = true) throws -> [PipelineRow] { try PipelineHarness.run(world.0, now: now, json, fused: fused) }

    static let range = #""timeSeries": {"period": "dayRange", "first": "now()", "count": -12}"#

    static func totals(_ rows: [PipelineRow], object: String) -> [String: Int] {
        rows.reduce(into: [:]) { $0["\($1["visitorId"]!.string!) \($1[object]!.string!)", default: 0] += Int($1["numEvents"]!.number!) }
    }

    @Test func pageEventsCountOnceForEachMatchingPageAndUntaggedPathsStayPages() throws {
        let rows = try Self.run(#"[{"source": {"pageEvents": null, \#(Self.range)}}]"#)
        var naive: [String: Int] = [:]
        for e in Self.world.1 where e.type == "page_view" && e.ms < Self.now - 12 * 3_600_000 {
            for page in Self.pagesOfPath[e.page] ?? [PendoIDs.objectID(e.page)] { naive["\(e.user) \(page)", default: 0] += 1 }
        }
        #expect(naive.keys.contains { $0.hasSuffix(" invoice") } && naive.keys.contains { $0.hasSuffix(PendoIDs.objectID("/home")) })
        #expect(Self.totals(rows, object: "pageId") == naive)
    }

    @Test func onePageByIdTakesTheFastPathAndTheGeneralOneAlike() throws {
        for id in ["billing", "settings", PendoIDs.objectID("/home"), "/reports/8?tab=table"] {
            let pipeline = #"[{"source": {"pageEvents": {"pageId": "\#(id)"}, \#(Self.range)}}, {"group": {"group": ["visitorId"], "fields": {"events": {"sum": "numEvents"}}}}]"#
            let fused = try Self.run(pipeline), general = try Self.run(pipeline, fused: false)
            #expect(fused == general, "\(id)")
            var naive: [String: Int] = [:]
            for e in Self.world.1 where e.type == "page_view" && e.ms < Self.now - 12 * 3_600_000 {
                let pages = Self.pagesOfPath[e.page] ?? [PendoIDs.objectID(e.page)]
                if pages.contains(id) || (Self.pagesOfPath[e.page] == nil && e.page == id) { naive[e.user, default: 0] += 1 }
            }
            #expect(Dictionary(uniqueKeysWithValues: fused.map { ($0["visitorId"]!.string!, Int($0["events"]!.number!)) }) == naive, "\(id)")
        }
        // Without a page id, a path on two pages counts twice on both paths.
        let all = #"[{"source": {"pageEvents": null, \#(Self.range)}}, {"reduce": {"events": {"sum": "numEvents"}}}]"#
        #expect(try Self.run(all) == (try Self.run(all, fused: false)))
    }

    @Test func featureEventsCountTheClicksEachRuleDescribes() throws {
        let rows = try Self.run(#"[{"source": {"featureEvents": null, \#(Self.range)}}]"#)
        var naive: [String: Int] = [:]
        for e in Self.world.1 where e.ms < Self.now - 12 * 3_600_000 {
            for f in Self.featuresOf(e) { naive["\(e.user) \(f)", default: 0] += 1 }
        }
        #expect(Set(naive.keys.map { $0.split(separator: " ")[1] }) == ["billing-buy", "buy", "buy-direct", "export", "open", "save"])
        #expect(Self.totals(rows, object: "featureId") == naive)
        let one = try Self.run(#"[{"source": {"featureEvents": {"featureId": "billing-buy"}, \#(Self.range)}}]"#)
        #expect(Self.totals(one, object: "featureId") == naive.filter { $0.key.hasSuffix(" billing-buy") })
    }

    @Test func objectSourcesListDefinedObjectsAndUntaggedPaths() throws {
        let pages = try Self.run(#"[{"source": {"pages": null}}, {"select": {"id": "id", "tagged": "isTagged"}}]"#)
        let untagged = ["/home", "/reports/8?tab=table"].map(PendoIDs.objectID)
        #expect(pages.map { $0["id"]!.string! } == ["billing", "charts", "invoice", "settings"] + untagged.sorted { a, b in
            Self.world.0.pageNames.lookup(a == untagged[0] ? "/home" : "/reports/8?tab=table")! < Self.world.0.pageNames.lookup(b == untagged[0] ? "/home" : "/reports/8?tab=table")!
        })
        let features = try Self.run(#"[{"source": {"features": null}}]"#)
        #expect(features.map { $0["id"]!.string! } == ["billing-buy", "buy", "buy-direct", "export", "open", "save"])
        #expect(features.first?["pageId"] == .string("billing") && features.last?["eventTypes"] == .list([.string("button_clicked")]))
        // The seed's product-area merge (4.24 c, its damaged parts as inferred).
        let merged = try Self.run(#"""
            [{"source": {"pages": null}}, {"eval": {"pageId": "id"}},
             {"merge": {"fields": ["pageId"], "mappings": {"productArea": "productArea"}, "pipeline": [
                {"source": {"groups": {"groupType": "group", "items": true}}}, {"unwind": {"field": "items"}},
                {"filter": "items.itemType == `Page`"}, {"select": {"productArea": "name", "pageId": "items.itemId"}}]}},
             {"select": {"pageId": "pageId", "pageName": "name", "productArea": "productArea", "rules": "rules"}}]
            """#)
        #expect(merged.first { $0["pageId"] == .string("billing") }?["productArea"] == .string("Money"))
        #expect(merged.filter { $0["productArea"] != nil && $0["productArea"] != .null }.count == 1)
        #expect(try Self.run(#"[{"source": {"groups": {"groupType": "guideCategory"}}}]"#).isEmpty)
        let group = try Self.run(#"[{"source": {"groups": null}}]"#)
        #expect(group.count == 1 && group[0]["length"] == .number(2) && group[0]["items"] == nil)
    }

    @Test func adoptionReadsAProductAreasPagesAndFeatures() throws {
        let rows = try Self.run(#"[{"adoption": {"firstDay": "now()", "dayCount": -5, "config": {"userBase": "visitors", "productAreaIds": ["money"], "events": [{"kind": "feature", "id": "save"}]}}}]"#)
        let today = Self.now / Self.day * Self.day
        let window = (today - 5 * Self.day)..<today
        let inWindow = Self.world.1.filter { window.contains($0.ms) }
        let base = Set(inWindow.map(\.user))
        let billing = Set(inWindow.filter { $0.type == "page_view" && (Self.pagesOfPath[$0.page] ?? []).contains("billing") }.map(\.user))
        let export = Set(inWindow.filter { Self.featuresOf($0).contains("export") }.map(\.user))
        let save = Set(inWindow.filter { Self.featuresOf($0).contains("save") }.map(\.user))
        let expected = Double(billing.count + export.count + save.count) / Double(base.count * 3)
        #expect(abs((rows.first?["adoption"]?.number ?? -1) - expected) < 1e-9)
        let missing = #"[{"adoption": {"firstDay": "now()", "dayCount": -5, "config": {"productAreaIds": ["nope"]}}}]"#
        #expect(throws: PipelineError.self) { try Self.run(missing) }
    }

    @Test func itemSeenAndVisitorHistoryKnowFeatures() throws {
        let user = Self.world.1[0].user
        let rows = try Self.run(#"[{"source": {"visitors": null}}, {"filter": "visitorId == \"\#(user)\""}, {"itemSeen": {"out": {"featureId": "buy"}}}]"#)
        let mine = Self.world.1.filter { $0.user == user && Self.featuresOf($0).contains("buy") }
        #expect(rows.first?["out"]?.object?["lastUsed"] == .number(Double(mine.map(\.ms).max()!)))
        #expect(rows.first?["out"]?.object?["numEvents"] == .number(Double(mine.count)))
        let history = try #require(TenantPipelineData(state: Self.world.0).visitorHistory(user, fromMs: Self.now - 10 * Self.day, toMs: Self.now))
        let first = Self.world.1.filter { $0.user == user }.sorted { $0.ms < $1.ms }
        let expectedFirst: String = {
            let e = first[0]
            if let f = Self.featuresOf(e).first { return "feature \(f)" }
            switch e.type {
            case "page_view": return "page \((Self.pagesOfPath[e.page] ?? [PendoIDs.objectID(e.page)])[0])"
            case "click", "button_clicked": return "click \(e.page)"   // both are clicks (PendoIDs.clickTypes)
            default: return "track \(PendoIDs.objectID(e.type))"
            }
        }()
        #expect("\(history[0].kind.rawValue) \(history[0].object)" == expectedFirst)
        #expect(history.contains { $0.kind == .feature })
    }
}
