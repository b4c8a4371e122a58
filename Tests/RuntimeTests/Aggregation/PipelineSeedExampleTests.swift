import Foundation
import TestSupport
import Testing
@testable import Runtime

/// The seed's example pipelines (../shared/reference/pendo-api.md §4) run as given, their
/// placeholders filled with this world's ids, and answer what a naive pass over the data sent
/// says. Examples that name things Beacon cannot define (features, product areas, email) fail
/// with the error the docs promise.
struct PipelineSeedExampleTests {
    struct Sent { var user: String; var account: String?; var type: String; var page: String?; var ms: Int64; var browser: String; var props: [String: String] = [:] }
    struct Tracked { var user: String; var action: NudgeEdit.TrackedAction; var ms: Int64 }

    static let now: Int64 = 1_793_448_000_000   // 2026-10-31 12:00 UTC, a Saturday
    static let day: Int64 = 86_400_000
    static let today: Int64 = now - now % day

    static let world: (state: TenantState, sent: [Sent], tracked: [Tracked]) = {
        var rng = SeededGenerator(seed: 4242)
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 0))
        var sent: [Sent] = []
        let types = ["page_view", "page_view", "click", "login", "export", "share"]
        for i in 0..<30_000 {
            let ms = now - 40 * day + Int64(i) * (40 * day / 30_000) + Int64.random(in: 0..<60_000, using: &rng)
            // A sliding population: users arrive and leave over the 40 days, so growth has new, recovered and dropped ones.
            let n = Int.random(in: 0..<50, using: &rng) + i * 20 / 30_000
            let type = types[Int.random(in: 0..<types.count, using: &rng)]
            sent.append(Sent(user: n < 60 ? "u\(n)@x.com" : "anon-\(n)", account: n % 6 == 5 ? nil : "acct\(n % 6)", type: type,
                             page: type == "page_view" ? ["/home", "/billing"][n % 2] : nil, ms: min(ms, now - 1), browser: ["Chrome", "Firefox"][n % 2]))
        }
        for n in 0..<25 {
            for answer in 0..<(n % 3 == 0 ? 2 : 1) {
                sent.append(Sent(user: "u\(n)@x.com", account: "acct\(n % 6)", type: "pollResponse", page: nil, ms: now - Int64(n) * 3_600_000 - Int64(answer) * day - 1,
                                 browser: "Chrome", props: ["guideId": "1", "pollId": "p1", "response": String((n + answer * 3) % 11)]))
            }
        }
        sent.sort { $0.ms < $1.ms }
        for start in stride(from: 0, to: sent.count, by: 1_000) {
            let batch = sent[start..<min(start + 1_000, sent.count)].map { e in
                EventInput(eventType: e.type, user: e.user, account: e.account, page: e.page, timestampMs: e.ms,
                           properties: [.init("browser", e.browser)] + e.props.sorted { $0.key < $1.key }.map { .init($0.key, $0.value) })
            }
            _ = try! state.ingest(batch, nowMs: now, anonymousID: "g")
        }
        try! state.apply(SegmentEdit.create(id: 1, name: "exporters", folder: nil, isStatic: false, rules: [.didEvent(event: "export", withinDays: nil, filters: [])], nowMs: now))
        try! state.apply(NudgeEdit.create(NudgeDefinition(title: "Try export", buttonText: "Show me", targetPage: "/home"), id: 1, nowMs: now - 20 * day))
        var tracked: [Tracked] = []
        for n in 0..<40 {
            let user = "u\(n)@x.com"
            let seen = now - Int64(n) * 5 * 3_600_000
            tracked.append(Tracked(user: user, action: .impression, ms: seen))
            if n % 4 == 0 { tracked.append(Tracked(user: user, action: .impression, ms: seen + 600_000)) }
            if n % 3 == 0 { tracked.append(Tracked(user: user, action: .click, ms: seen + 1_000)) }
            if n % 5 == 1 { tracked.append(Tracked(user: user, action: .dismiss, ms: seen + 2_000)) }
        }
        for t in tracked.sorted(by: { $0.ms < $1.ms }) { try! state.apply(NudgeEdit.track(id: 1, user: t.user, action: t.action, atMs: t.ms)) }
        return (state, sent, tracked)
    }()

    static func run(_ envelope: String) throws -> [PipelineRow] {
        let request = try PipelineHarness.pipelineValue(envelope)
        let data = TenantPipelineData(state: world.state)
        let environment = data.environment(nowMs: now)
        var parser = PipelineParser(environment: environment)
        let stages = try parser.parse(request[path: FieldPath("request.pipeline")])
        var runner = PipelineRunner(data: data, environment: environment, budget: PipelineBudget { false })
        return try runner.run(stages)
    }

    static func failure(_ envelope: String) -> PipelineError? {
        do { _ = try run(envelope); return nil } catch let error as PipelineError { return error } catch { return nil }
    }

    static func envelope(_ pipeline: String, name: String = "example") -> String {
        #"{"response": {"mimeType": "application/json"}, "request": {"name": "\#(name)", "pipeline": \#(pipeline)}}"#
    }

    var sent: [Sent] { Self.world.sent }
    func identified(_ user: String) -> Bool { !user.hasPrefix("anon-") }
    func events(from: Int64, to: Int64, _ keep: (Sent) -> Bool = { _ in true }) -> [Sent] { sent.filter { $0.ms >= from && $0.ms < to && keep($0) } }
    func sum(_ rows: [PipelineRow], _ field: String) -> Double { rows.reduce(0) { $0 + ($1[field]?.number ?? 0) } }

    @Test func anatomyAndEventsByVisitorAndAccount() throws {
        // 4.1
        let anatomy = try Self.run(Self.envelope(#"""
            [{"source": {"events": null, "timeSeries": {"first": "now()", "count": -10, "period": "dayRange"}}},
             {"filter": "visitorId == `u3@x.com`"}, {"select": {"visitorId": "visitorId", "numEvents": "numEvents"}}]
            """#))
        #expect(anatomy.allSatisfy { $0.keys.sorted() == ["numEvents", "visitorId"] })
        #expect(sum(anatomy, "numEvents") == Double(events(from: Self.today - 10 * Self.day, to: Self.today) { $0.user == "u3@x.com" }.count))
        // 4.18 and 4.19
        for (filter, keep) in [("visitorId == `u7@x.com`", { (e: Sent) in e.user == "u7@x.com" }), ("accountId == `acct2`", { (e: Sent) in e.account == "acct2" })] {
            let rows = try Self.run(Self.envelope(#"""
                [{"source": {"events": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": 1}}},
                 {"identified": "visitorId"}, {"filter": "\#(filter)"}, {"reduce": [{"totalEvents": {"sum": "numEvents"}}]}]
                """#))
            let naive = events(from: Self.today, to: Self.today + Self.day) { keep($0) && self.identified($0.user) }.count
            #expect(rows == [["totalEvents": .number(Double(naive))]])
            #expect(naive > 0)
        }
    }

    @Test func activeVisitorsPerHourAndUsageByBrowser() throws {
        // 4.17, its lost aggregator read as the docs say.
        let hours = try Self.run(Self.envelope(#"""
            [{"source": {"events": null, "timeSeries": {"period": "hourRange", "first": "now()", "count": -24}}},
             {"group": {"group": ["hour"], "fields": {"activeVisitors": {"count": "visitorId"}}}}, {"sort": ["hour"]}]
            """#))
        let hourStart = Self.now - Self.now % 3_600_000
        var naive: [Int64: Set<String>] = [:]
        for e in events(from: hourStart - 24 * 3_600_000, to: hourStart) { naive[e.ms - e.ms % 3_600_000, default: []].insert(e.user) }
        #expect(hours.map { Int64($0["hour"]!.number!) } == naive.keys.sorted())
        #expect(hours.map { Int($0["activeVisitors"]!.number!) } == naive.keys.sorted().map { naive[$0]!.count })
        // 4.20
        let browsers = try Self.run(Self.envelope(#"""
            [{"source": {"events": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": -30}}},
             {"identified": "visitorId"}, {"select": {"userAgent": "userAgent", "visitorId": "visitorId"}}, {"useragent": {"userAgent": "userAgent"}},
             {"select": {"name": "if(userAgent.name==\"\",\"unknown\",userAgent.name)", "version": "userAgent.version", "visitorId": "visitorId"}},
             {"group": {"group": ["name", "version"], "fields": [{"count": {"count": "visitorId"}}]}}, {"sort": ["-count"]}]
            """#, name: "Usage by browser"))
        var byBrowser: [String: Set<String>] = [:]
        for e in events(from: Self.today - 30 * Self.day, to: Self.today) where identified(e.user) { byBrowser[e.browser, default: []].insert(e.user) }
        #expect(browsers.map { $0["name"]!.string! } == byBrowser.sorted { $0.value.count > $1.value.count }.map(\.key))
        #expect(browsers.map { Int($0["count"]!.number!) } == byBrowser.values.map(\.count).sorted(by: >))
    }

    @Test func visitorsBySegmentAndPageEventsWithParameters() throws {
        // 4.16, the segment id filled in.
        let visitors = try Self.run(Self.envelope(#"""
            [{"source": {"visitors": null}}, {"identified": "visitorId"}, {"eval": {"accountId": "metadata.auto.accountids"}},
             {"unwind": {"field": "accountId", "keepEmpty": true}}, {"bulkExpand": {"account": {"account": "accountId"}}},
             {"segment": {"id": "1"}}, {"select": {"visitorId": "visitorId", "accountId": "accountId"}}]
            """#))
        var naive: [String: Set<String>] = [:]
        for e in sent where e.type == "export" && identified(e.user) { naive[e.user] = [] }
        for e in sent where naive[e.user] != nil { if let a = e.account { naive[e.user]!.insert(a) } }
        #expect(Set(visitors.map { $0["visitorId"]!.string! }) == Set(naive.keys))
        #expect(visitors.count == naive.values.reduce(0) { $0 + max($1.count, 1) })
        // 4.15: Beacon keeps a page's path only, so no row has parameters.
        let pages = try Self.run(Self.envelope(#"""
            [{"source": {"pageEvents": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": -1}}},
             {"identified": "visitorId"}, {"filter": "!isNull(parameters.parameter) && parameters.parameter != \"\""}]
            """#))
        #expect(pages.isEmpty)
        let allPages = try Self.run(Self.envelope(#"[{"source": {"pageEvents": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": -1}}}]"#))
        #expect(sum(allPages, "numEvents") == Double(events(from: Self.today - Self.day, to: Self.today) { $0.type == "page_view" }.count))
    }

    @Test func guideAndPollSources() throws {
        let tracked = Self.world.tracked
        // 4.2, 4.3, 4.4
        let guideEvents = try Self.run(Self.envelope(#"[{"source": {"guideEvents": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": 1}}}]"#))
        #expect(guideEvents.count == tracked.filter { $0.ms >= Self.today }.count)
        #expect(Set(guideEvents.map { $0["type"]!.string! }).isSubset(of: ["guideSeen", "guideActivity", "guideDismissed"]))
        let pollEvents = try Self.run(Self.envelope(#"[{"source": {"pollEvents": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": 1}}}]"#))
        #expect(pollEvents.count == sent.filter { $0.type == "pollResponse" && $0.ms >= Self.today }.count)
        let pollsSeen = try Self.run(Self.envelope(#"[{"source": {"pollsSeen": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": 1}}}]"#))
        var latest: [String: Sent] = [:]
        for e in sent where e.type == "pollResponse" { latest[e.user] = e }
        #expect(Set(pollsSeen.map { $0["visitorId"]!.string! }) == Set(latest.values.filter { $0.ms >= Self.today }.map(\.user)))
        // 4.6's inferred bodies.
        let ever = try Self.run(Self.envelope(#"[{"source": {"guidesSeenEver": null}}]"#))
        #expect(Set(ever.map { $0["visitorId"]!.string! }) == Set(tracked.filter { $0.action == .impression }.map(\.user)))
        #expect(try Self.run(Self.envelope(#"[{"source": {"pollsSeenEver": null}}]"#)).count == latest.count)

        // 4.21, NPS by account: its placeholders filled with guide 1 and poll p1.
        let nps = try Self.run(Self.envelope(#"""
            [{"source": {"pollsSeen": {"guideId": "1", "pollId": "p1"}, "timeSeries": {"period": "dayRange", "first": "now()", "count": -30}}},
             {"identified": "visitorId"}, {"eval": {"responseDay": "startOfPeriod(\"dayRange\", time)"}},
             {"bulkExpand": {"account": {"account": "accountId"}}}, {"eval": {"metadataField": "account.auto.id"}},
             {"filter": "!isNil(metadataField) && metadataField != \"\""},
             {"eval": {"isPromoter": "if(response >= 9, 1, 0)", "isDetractor": "if(response < 7, 1, 0)", "isPassive": "if(response >= 7 && response < 9, 1, 0)"}},
             {"group": {"group": ["metadataField"], "fields": [{"numPromoters": {"sum": "isPromoter"}}, {"numDetractors": {"sum": "isDetractor"}},
               {"numPassives": {"sum": "isPassive"}}, {"numResponses": {"count": null}}, {"summedResponses": {"sum": "response"}}]}},
             {"eval": {"avgScore": "summedResponses/numResponses", "npsScore": "(numPromoters/numResponses) - (numDetractors/numResponses)"}},
             {"sort": ["-numResponses"]}]
            """#, name: "nps-metadata-table"))
        var answers: [String: [Int]] = [:]
        for e in latest.values where e.ms >= Self.today - 30 * Self.day && e.ms < Self.today { answers[e.account!, default: []].append(Int(e.props["response"]!)!) }
        #expect(Set(nps.map { $0["metadataField"]!.string! }) == Set(answers.keys))
        for row in nps {
            let list = answers[row["metadataField"]!.string!]!
            let naive = Double(list.filter { $0 >= 9 }.count) / Double(list.count) - Double(list.filter { $0 < 7 }.count) / Double(list.count)
            #expect(abs(row["npsScore"]!.number! - naive) < 1e-9)
            #expect(row["numResponses"] == .number(Double(list.count)))
        }

        // 4.22 with the track-type line chosen.
        let goals = try Self.run(Self.envelope(#"""
            [{"source": {"guideEvents": {"guideId": "1", "guideStepId": "1"}, "timeSeries": {"period": "dayRange", "first": "date(2024,1,1)", "last": "now()"}}},
             {"filter": "type == \"guideSeen\""}, {"itemSeen": {"itemSeenInfo": {"trackTypeId": "export"}}},
             {"filter": "itemSeenInfo.lastUsed >= browserTime"}, {"reduce": {"converted": {"count": "visitorId"}}}]
            """#))
        let converted = Set(tracked.filter { t in t.action == .impression && sent.contains { $0.user == t.user && $0.type == "export" && $0.ms >= t.ms } }.map(\.user))
        #expect(goals == [["converted": .number(Double(converted.count))]])
        // 4.22 as given (no item chosen) is a 400 naming itemSeen.
        #expect(Self.failure(Self.envelope(#"[{"source": {"guideEvents": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": 1}}}, {"itemSeen": {"itemSeenInfo": {}}}]"#))?.location
                == "request.pipeline[1].itemSeen.itemSeenInfo")

        // 4.24 (a) and (b): no guide categories yet, so the merge adds nothing; the activity rows are the clicks.
        let categories = try Self.run(Self.envelope(#"""
            [{"source": {"guideEvents": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": -30}}},
             {"merge": {"fields": ["guideId"], "mappings": {"guideCategory": "guideCategory"},
               "pipeline": [{"source": {"groups": {"groupType": "guideCategory", "items": true}}}, {"unwind": {"field": "items"}}]}}]
            """#))
        #expect(categories.count == tracked.filter { $0.ms >= Self.today - 30 * Self.day && $0.ms < Self.today }.count)
        let activity = try Self.run(Self.envelope(#"""
            [{"source": {"guideEvents": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": -7}}}, {"filter": "type == `guideActivity`"},
             {"select": {"visitorId": "visitorId", "guideId": "guideId", "uiElementId": "uiElementId", "uiElementType": "uiElementType",
               "uiElementText": "uiElementText", "uiElementActions": "uiElementActions", "browserTime": "browserTime"}}]
            """#))
        #expect(activity.count == tracked.filter { $0.action == .click && $0.ms >= Self.today - 7 * Self.day && $0.ms < Self.today }.count)
        #expect(activity.allSatisfy { $0["uiElementText"] == .string("Show me") })
    }

    @Test func objectMergesAndWhatBeaconCannotDefine() throws {
        // 4.23: no features yet, so no rows; the merge still parses and runs.
        let named = try Self.run(Self.envelope(#"""
            [{"source": {"featureEvents": {"appId": "expandAppIds(\"*\")"}, "timeSeries": {"count": -7, "first": "now()", "period": "dayRange"}}},
             {"merge": {"fields": ["appId"], "mappings": {"appId": "id", "appName": "name"}, "pipeline": [{"source": {"apps": null}}]}}]
            """#))
        #expect(named.isEmpty)
        // The same merge over events names the app.
        let events = try Self.run(Self.envelope(#"""
            [{"source": {"events": null, "timeSeries": {"count": -1, "first": "now()", "period": "dayRange"}}}, {"limit": 3},
             {"merge": {"fields": ["appId"], "mappings": {"appId": "id", "appName": "name"}, "pipeline": [{"source": {"apps": null}}]}}]
            """#))
        #expect(events.count == 3 && events.allSatisfy { $0["appName"] == .string("Beacon") })
        // 4.24 (c), its lost source and key read as the docs say.
        let areas = try Self.run(Self.envelope(#"""
            [{"source": {"pages": null}}, {"eval": {"pageId": "id"}},
             {"merge": {"fields": ["pageId"], "mappings": {"productArea": "productArea"}, "pipeline": [{"source": {"groups": {"groupType": "group", "items": true}}},
               {"unwind": {"field": "items"}}, {"filter": "items.itemType == `Page`"}, {"select": {"productArea": "name", "pageId": "items.itemId"}}]}},
             {"select": {"pageId": "pageId", "pageName": "name", "productArea": "productArea", "rules": "rules"}}]
            """#))
        #expect(Set(areas.map { $0["pageName"]!.string! }) == ["/home", "/billing"])
        // 4.5: email is not supported.
        #expect(Self.failure(Self.envelope(#"""
            [{"source": {"emailEvents": {"appId": [-323232], "blacklist": "apply", "targetType": "campaign", "targetId": "Q841GXTP6iPMcJK7YNKDpmCmtDs", "eventType": "sent"},
              "timeSeries": {"period": "dayRange", "first": "now()", "count": -30}}}]
            """#))?.kind == .notSupported)
    }

    static let fullConfig = #"""
        "appId": -323232, "account": "acct1", "firstDay": "date(\"2026-10-01\")", "lastDay": "date(\"2026-10-30\")", "groupBy": "account",
        "identified": "visitorId", "blacklist": "apply", "segment": {"id": "1"}
        """#

    @Test func engagementExamples() throws {
        // 4.8 and 4.10 as given name a product area and a feature this world does not define: a 404 naming the field.
        let pes = Self.failure(Self.envelope(#"""
            [{"pes": {\#(Self.fullConfig), "config": {"stickiness": {"userBase": "visitors", "numerator": "daily", "denominator": "monthly", "excludeWeekends": true},
              "adoption": {"userBase": "visitors", "productAreaIds": ["{{productAreaId}}"], "events": [{"kind": "feature", "id": "{{featureId}}"},
              {"kind": "trackEvent", "id": "export"}, {"kind": "page", "id": "/billing"}]}, "growth": {"userBase": "visitors"}}}}]
            """#, name: "PES"))
        #expect(pes?.kind == .notFound && pes?.location == "request.pipeline[0].pes.config.adoption.productAreaIds[0]")
        // Without them, PES over acct1's identified exporters in October.
        let rows = try Self.run(Self.envelope(#"""
            [{"pes": {\#(Self.fullConfig), "config": {"stickiness": {"userBase": "visitors", "numerator": "daily", "denominator": "monthly", "excludeWeekends": true},
              "adoption": {"userBase": "visitors", "events": [{"kind": "trackEvent", "id": "export"}, {"kind": "page", "id": "/billing"}]}, "growth": {"userBase": "visitors"}}}}]
            """#, name: "PES"))
        let first = TenantCalendar.dayNumber(year: 2026, month: 10, day: 1), last = TenantCalendar.dayNumber(year: 2026, month: 10, day: 30)
        let exporters = Set(sent.filter { $0.type == "export" }.map(\.user))
        let members = Set(sent.filter { $0.account == "acct1" }.map(\.user)).intersection(exporters).filter(identified)
        func dayOf(_ ms: Int64) -> Int32 { Int32(ms / Self.day) }
        func active(_ days: ClosedRange<Int32>, _ keep: (Sent) -> Bool = { _ in true }) -> Set<String> {
            Set(sent.filter { days.contains(dayOf($0.ms)) && members.contains($0.user) && keep($0) }.map(\.user))
        }
        var ratios: [Double] = []
        for d in first...last where ![0, 6].contains(((Int(d) + 4) % 7 + 7) % 7) {
            let month = active((d - 29)...d)
            if !month.isEmpty { ratios.append(Double(active(d...d).count) / Double(month.count)) }
        }
        let stickiness = ratios.reduce(0, +) / Double(ratios.count)
        let base = active(first...last)
        let adoption = Double(active(first...last) { $0.type == "export" }.count + active(first...last) { $0.type == "page_view" && $0.page == "/billing" }.count) / Double(base.count * 2)
        let before = active((first - 30)...(first - 1))
        let firstSeen = Dictionary(grouping: sent, by: \.user).mapValues { $0.map(\.ms).min()! }
        let newUsers = base.filter { dayOf(firstSeen[$0]!) >= first }
        let recovered = base.subtracting(before).subtracting(newUsers).count, dropped = before.subtracting(base).count
        let growth = Double(newUsers.count + recovered) / Double(newUsers.count + recovered + dropped)
        #expect(dropped > 0 && newUsers.count + recovered > 0, "the world has churn")
        #expect(rows.count == 1 && rows[0]["accountId"] == .string("acct1"))
        #expect(abs((rows[0]["stickiness"]?.number ?? -9) - stickiness) < 1e-9)
        #expect(abs((rows[0]["adoption"]?.number ?? -9) - adoption) < 1e-9)
        #expect(abs((rows[0]["growth"]?.number ?? -9) - growth) < 1e-9)
        #expect(abs((rows[0]["pes"]?.number ?? -9) - (stickiness + adoption + growth) / 3) < 1e-9)

        // 4.11 and 4.13 as given (placeholders filled), and the four minimal forms.
        let growthRows = try Self.run(Self.envelope(#"[{"growth": {\#(Self.fullConfig), "config": {"userBase": "visitors"}}}]"#, name: "Growth"))
        #expect(growthRows[0]["new"] == .number(Double(newUsers.count)) && growthRows[0]["dropped"] == .number(Double(dropped)))
        let stickyRows = try Self.run(Self.envelope(#"""
            [{"stickiness": {\#(Self.fullConfig), "config": {"userBase": "visitors", "numerator": "daily", "denominator": "monthly", "excludeWeekends": true}}}]
            """#, name: "Stickiness"))
        #expect(abs((stickyRows[0]["stickiness"]?.number ?? -9) - stickiness) < 1e-9)
        for kind in ["pes", "adoption", "growth", "stickiness"] {
            let minimal = try Self.run(Self.envelope(#"[{"\#(kind)": {"appId": -323232, "firstDay": "now()", "dayCount": -30}}]"#))
            #expect(minimal.count == 1, "\(kind)")
            #expect(minimal[0]["firstDay"] == .number(Double(Self.today - 30 * Self.day)), "\(kind)")
        }
    }
}
