import Foundation
import TestSupport
import Testing
@testable import Runtime

/// The tenant's sources against a naive pass over the events as sent: grouped rows with their
/// counts and distinct minutes, cut in New York days and hours, over a sealed chunk and the open
/// one, late events included; the engagement stages against sets built by hand.
struct PipelineSourceTests {
    struct Sent { var user: String; var account: String?; var type: String; var page: String?; var ms: Int64; var agent: String?; var browser: String; var ip: String? }

    static let zone = TimeZone(identifier: "America/New_York")!
    static let now: Int64 = 1_793_448_000_000   // 2026-11-01 12:00 UTC

    static let world: (TenantState, [Sent]) = {
        var rng = SeededGenerator(seed: 77)
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: zone, retentionDays: 0))
        var sent: [Sent] = []
        let types = ["page_view", "page_view", "click", "login", "export", "share"]
        let total = EventLog.chunkCapacity + 9_000
        var batch: [EventInput] = []
        for i in 0..<total {
            var ms = now - 12 * 86_400_000 + Int64(i) * (12 * 86_400_000 / Int64(total))
            if rng.chance(0.05) { ms -= Int64.random(in: 0...(6 * 3_600_000), using: &rng) }
            let n = Int.random(in: 0..<170, using: &rng)
            let user = n < 150 ? "u\(n)@x.com" : "anon-\(n)"
            let type = types[Int.random(in: 0..<types.count, using: &rng)]
            let e = Sent(user: user, account: n % 9 == 0 ? nil : "acct\(n % 9)", type: type,
                         page: type == "page_view" || type == "click" ? ["/home", "/billing", "/reports/1"][Int.random(in: 0..<3, using: &rng)] : nil,
                         ms: ms, agent: n % 5 == 0 ? "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0" : nil,
                         browser: n % 2 == 0 ? "Chrome" : "Safari", ip: n % 3 == 0 ? "10.0.0.\(n % 7)" : nil)
            var properties = [EventInput.Property("browser", e.browser)]
            if let agent = e.agent { properties.append(.init("user_agent", agent)) }
            if let ip = e.ip { properties.append(.init("ip", ip)) }
            batch.append(EventInput(eventType: e.type, user: e.user, account: e.account, page: e.page, timestampMs: e.ms, properties: properties))
            sent.append(e)
            if batch.count == 1_000 { _ = try! state.ingest(batch, nowMs: now, anonymousID: "g"); batch = [] }
        }
        _ = try! state.ingest(batch, nowMs: now, anonymousID: "g")
        try! state.apply(SegmentEdit.create(id: 1, name: "exporters", folder: nil, isStatic: false,
                                            rules: [.didEvent(event: "export", withinDays: nil, filters: [])], nowMs: now))
        return (state, sent)
    }()

    static func run(_ json: String) throws -> [PipelineRow] {
        let data = TenantPipelineData(state: world.0)
        let environment = data.environment(nowMs: now)
        var parser = PipelineParser(environment: environment)
        let stages = try parser.parse(try PipelineHarness.pipelineValue(json))
        var runner = PipelineRunner(data: data, environment: environment, budget: PipelineBudget { false })
        return try runner.run(stages)
    }

    /// Foundation's calendar, not the engine's: the start of the local day or hour holding `ms`.
    static func naiveStart(_ ms: Int64, hour: Bool) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        let start = hour ? calendar.dateInterval(of: .hour, for: date)!.start : calendar.startOfDay(for: date)
        return Int64((start.timeIntervalSince1970 * 1000).rounded())
    }

    struct Key: Hashable, Comparable {
        var visitor: String, account: String, start: Int64, object: String, agent: String, ip: String
        static func < (a: Key, b: Key) -> Bool { (a.visitor, a.account, a.start, a.object, a.agent, a.ip) < (b.visitor, b.account, b.start, b.object, b.agent, b.ip) }
    }

    static func naiveGroups(hour: Bool, from: Int64, to: Int64, include: (Sent) -> Bool, object: (Sent) -> String) -> [Key: (events: Int, minutes: Int)] {
        var events: [Key: Int] = [:]
        var minutes: [Key: Set<Int64>] = [:]
        for e in world.1 where e.ms >= from && e.ms < to && include(e) {
            let start = naiveStart(e.ms, hour: hour)
            let key = Key(visitor: e.user, account: e.account ?? "-", start: start, object: object(e), agent: e.agent ?? e.browser, ip: e.ip ?? "-")
            events[key, default: 0] += 1
            minutes[key, default: []].insert((e.ms - start) / 60_000)
        }
        return events.mapValues { ($0, 0) }.merging(minutes.mapValues { (0, $0.count) }) { a, b in (a.0, b.1) }
    }

    static func keyed(_ rows: [PipelineRow], period: String, object: String?) -> [Key: (events: Int, minutes: Int)] {
        var out: [Key: (events: Int, minutes: Int)] = [:]
        for r in rows {
            let key = Key(visitor: r["visitorId"]!.string!, account: r["accountId"]!.string ?? "-", start: Int64(r[period]!.number!),
                          object: object.map { r[$0]!.string! } ?? "", agent: r["userAgent"]!.string!, ip: r["remoteIp"]?.string ?? "-")
            #expect(out[key] == nil, "one row per key")
            out[key] = (Int(r["numEvents"]!.number!), Int(r["numMinutes"]!.number!))
        }
        return out
    }

    static func same(_ a: [Key: (events: Int, minutes: Int)], _ b: [Key: (events: Int, minutes: Int)]) -> Bool {
        a.count == b.count && a.allSatisfy { key, value in b[key].map { $0 == value } ?? false }
    }

    @Test func eventsByDayAndHourMatchANaiveGrouping() throws {
        let dayStart = Self.naiveStart(Self.now, hour: false)
        let days = try Self.run(#"[{"source": {"events": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": -7}}}]"#)
        let naiveDays = Self.naiveGroups(hour: false, from: dayStart - 7 * 86_400_000, to: dayStart, include: { _ in true }, object: { _ in "" })
        #expect(naiveDays.count > 1_000)
        #expect(Self.same(Self.keyed(days, period: "day", object: nil), naiveDays))
        #expect(days.allSatisfy { $0["pageId"] == .string("allevents") && $0["appId"] == .number(-323232) })

        let hourStart = Self.naiveStart(Self.now, hour: true)
        let hours = try Self.run(#"[{"source": {"events": null, "timeSeries": {"period": "hourRange", "first": "now()", "count": -30}}}]"#)
        let naiveHours = Self.naiveGroups(hour: true, from: hourStart - 30 * 3_600_000, to: hourStart, include: { _ in true }, object: { _ in "" })
        #expect(Self.same(Self.keyed(hours, period: "hour", object: nil), naiveHours))
    }

    @Test func trackAndPageEventsKeepTheirObjects() throws {
        let dayStart = Self.naiveStart(Self.now, hour: false)
        let from = dayStart - 10 * 86_400_000
        let tracks = try Self.run(#"[{"source": {"trackEvents": null, "timeSeries": {"period": "dayRange", "first": \#(from), "last": "now()"}}}]"#)
        let naiveTracks = Self.naiveGroups(hour: false, from: from, to: dayStart + 86_400_000, include: { !["page_view", "click"].contains($0.type) },
                                           object: { PendoIDs.objectID($0.type) })
        #expect(Self.same(Self.keyed(tracks, period: "day", object: "trackTypeId"), naiveTracks))
        let oneType = try Self.run(#"[{"source": {"trackEvents": {"trackTypeId": "export"}, "timeSeries": {"period": "dayRange", "first": \#(from), "last": "now()"}}}]"#)
        #expect(Set(oneType.map { $0["trackTypeId"]! }) == [.string(PendoIDs.objectID("export"))])

        let pages = try Self.run(#"[{"source": {"pageEvents": null, "timeSeries": {"period": "dayRange", "first": \#(from), "last": "now()"}}}]"#)
        let naivePages = Self.naiveGroups(hour: false, from: from, to: dayStart + 86_400_000, include: { $0.type == "page_view" }, object: { PendoIDs.objectID($0.page!) })
        #expect(Self.same(Self.keyed(pages, period: "day", object: "pageId"), naivePages))
        let billing = try Self.run(#"[{"source": {"pageEvents": {"pageIds": ["/billing"]}, "timeSeries": {"period": "dayRange", "first": \#(from), "last": "now()"}}}, {"reduce": {"n": {"sum": "numEvents"}}}]"#)
        let naiveBilling = Self.world.1.filter { $0.type == "page_view" && $0.page == "/billing" && $0.ms >= from && $0.ms < dayStart + 86_400_000 }.count
        #expect(billing == [["n": .number(Double(naiveBilling))]])
    }

    @Test func objectSourcesAndLookups() throws {
        let visitors = try Self.run(#"[{"source": {"visitors": null}}, {"identified": "visitorId"}]"#)
        let identified = Set(Self.world.1.map(\.user).filter { !$0.hasPrefix("anon-") })
        #expect(Set(visitors.map { $0["visitorId"]!.string! }) == identified)
        for row in visitors {
            let name = row["visitorId"]!.string!
            let accounts = Set(Self.world.1.filter { $0.user == name }.compactMap(\.account))
            let listed = Set((row[path: FieldPath("metadata.auto.accountids")].list ?? []).compactMap(\.string))
            #expect(listed == accounts, "\(name)")
            #expect(row[path: FieldPath("metadata.auto.firstvisit")] == .number(Double(Self.world.1.filter { $0.user == name }.map(\.ms).min()!)))
        }
        let accounts = try Self.run(#"[{"source": {"accounts": null}}, {"sort": ["accountId"]}]"#)
        #expect(accounts.map { $0["accountId"]!.string! } == Set(Self.world.1.compactMap(\.account)).sorted())
        let pages = try Self.run(#"[{"source": {"pages": null}}]"#)
        #expect(Set(pages.map { $0["name"]!.string! }) == ["/home", "/billing", "/reports/1"])
        #expect(pages.allSatisfy { $0["id"]!.string! == PendoIDs.objectID($0["name"]!.string!) })
        let tracks = try Self.run(#"[{"source": {"trackTypes": null}}, {"sort": ["name"]}]"#)
        #expect(tracks.map { $0["name"]!.string! } == ["export", "login", "share"])
        let apps = try Self.run(#"[{"source": {"apps": null}}]"#)
        #expect(apps.count == 1 && apps[0]["id"] == .number(-323232))
        #expect(try Self.run(#"[{"source": {"features": null}}]"#).isEmpty)
        let segments = try Self.run(#"[{"source": {"segments": null}}]"#)
        let exporterCount = Set(Self.world.1.filter { $0.type == "export" }.map(\.user)).count
        #expect(segments.count == 1 && segments[0]["id"] == .string("1") && segments[0]["kind"] == .string("Segment") && segments[0]["name"] == .string("exporters"))
        #expect(segments[0]["visitorCount"] == .number(Double(exporterCount)) && segments[0]["apiSegment"] == .bool(false))
        #expect(try Self.run(#"[{"source": {"segments": {"segmentId": "2"}}}]"#).isEmpty)
        let other = try Self.run(#"[{"source": {"events": {"appId": 5}, "timeSeries": {"period": "dayRange", "first": "now()", "count": -3}}}]"#)
        #expect(other.isEmpty)

        // bulkExpand and segment over real rows: the NPS example's account.auto.id path, and the exporters.
        let expanded = try Self.run(#"""
            [{"source": {"visitors": null}}, {"bulkExpand": {"account": {"account": "metadata.auto.accountId"}}}, {"segment": {"id": "1"}},
             {"select": {"visitorId": "visitorId", "accountId": "account.auto.id"}}]
            """#)
        let exporters = Set(Self.world.1.filter { $0.type == "export" }.map(\.user))
        #expect(Set(expanded.map { $0["visitorId"]!.string! }) == exporters)
        for row in expanded {
            let latest = Self.world.1.filter { $0.user == row["visitorId"]!.string! && $0.account != nil }.max { $0.ms < $1.ms }?.account
            #expect(row["accountId"] == (latest.map(PipelineValue.string) ?? .null))
        }
        let seen = try Self.run(#"""
            [{"source": {"visitors": null}}, {"itemSeen": {"info": {"trackTypeId": "export"}}}, {"filter": "info.numEvents > 0"}, {"select": {"v": "visitorId", "last": "info.lastUsed", "n": "info.numEvents"}}]
            """#)
        #expect(seen.count == exporters.count)
        for row in seen {
            let mine = Self.world.1.filter { $0.user == row["v"]!.string! && $0.type == "export" }
            #expect(row["n"] == .number(Double(mine.count)))
            #expect(row["last"] == .number(Double(mine.map(\.ms).max()!)))
        }
    }

    /// A visitor's history: runs of the same page, track type or clicked page, from a plain
    /// sort of the events sent.
    @Test func visitorHistoryIsRunsOfTheSameObject() throws {
        let state = Self.world.0
        for user in ["u3@x.com", "u10@x.com", "anon-160"] {
            let from = Self.now - 5 * 86_400_000, to = from + 86_400_000
            let mine = Self.world.1.filter { $0.user == user && $0.ms >= from && $0.ms < to }.sorted { $0.ms < $1.ms }
            var expected: [(String, String, Int64, Int64)] = []
            for e in mine {
                let kind = e.type == "page_view" ? "page" : e.type == "click" ? "click" : "track"
                let object = kind == "track" ? PendoIDs.objectID(e.type) : kind == "page" ? PendoIDs.objectID(e.page ?? "") : e.page ?? ""
                if let last = expected.last, last.0 == kind, last.1 == object { expected[expected.count - 1].3 = e.ms } else { expected.append((kind, object, e.ms, e.ms)) }
            }
            let items = try #require(TenantPipelineData(state: state).visitorHistory(user, fromMs: from, toMs: to))
            #expect(items.count == expected.count && !items.isEmpty, "\(user)")
            for (item, want) in zip(items, expected) {
                #expect(item.kind.rawValue == want.0 && item.object == want.1 && item.firstMs == want.2 && item.lastMs == want.3)
            }
        }
        #expect(TenantPipelineData(state: state).visitorHistory("nobody", fromMs: 0, toMs: Self.now) == nil)
        #expect(TenantPipelineData(state: state).visitorHistory("u3@x.com", fromMs: Self.now + 1, toMs: Self.now + 2) == [])
    }

    /// The List reports: every visitor, every account, one per segment, against a plain recount.
    @Test func reportsListVisitorsAndAccountsAsTheEventsSay() throws {
        let data = TenantPipelineData(state: Self.world.0)
        #expect(data.reports().map(\.id) == ["visitors", "accounts", "segment-1"])
        var budget = PipelineBudget { false }
        let visitors = try #require(try data.reportRows("visitors", &budget))
        #expect(visitors.count == Set(Self.world.1.map(\.user)).count)
        for row in visitors {
            let mine = Self.world.1.filter { $0.user == row["visitorId"]!.string! }
            #expect(row["numEvents"] == .number(Double(mine.count)) && row["firstVisit"] == .number(Double(mine.map(\.ms).min()!)))
        }
        let accounts = try #require(try data.reportRows("accounts", &budget))
        for row in accounts {
            let mine = Self.world.1.filter { $0.account == row["accountId"]!.string! }
            #expect(row["numEvents"] == .number(Double(mine.count)) && row["numVisitors"] == .number(Double(Set(mine.map(\.user)).count)))
        }
        let exporters = try #require(try data.reportRows("segment-1", &budget))
        #expect(Set(exporters.map { $0["visitorId"]!.string! }) == Set(Self.world.1.filter { $0.type == "export" }.map(\.user)))
        #expect(try data.reportRows("segment-9", &budget) == nil)
    }

    /// Active users of a set of days, built from the events sent.
    static func active(_ days: ClosedRange<Int64>, _ filter: (Sent) -> Bool = { _ in true }) -> Set<String> {
        Set(world.1.filter { e in days.contains(naiveStart(e.ms, hour: false)) && filter(e) }.map(\.user))
    }

    @Test func engagementStagesMatchSetsBuiltByHand() throws {
        let today = Self.naiveStart(Self.now, hour: false)
        let day: Int64 = 86_400_000
        // Midnights are 24 h apart here: the window's days are all EDT (the clocks change on the last day, today).
        let first = today - 7 * day, last = today - day
        let stickiness = try Self.run(#"[{"stickiness": {"appId": -323232, "firstDay": "now()", "dayCount": -7, "config": {"numerator": "daily", "denominator": "weekly"}}}]"#)
        var ratios: [Double] = []
        for offset in 0...6 {
            let d = first + Int64(offset) * day
            let week = Self.active((d - 6 * day)...d)
            if !week.isEmpty { ratios.append(Double(Self.active(d...d).count) / Double(week.count)) }
        }
        let naiveStickiness = ratios.reduce(0, +) / Double(ratios.count)
        #expect(abs(stickiness[0]["stickiness"]!.number! - naiveStickiness) < 1e-9)
        #expect(stickiness[0]["firstDay"] == .number(Double(first)))

        let growth = try Self.run(#"[{"growth": {"appId": -323232, "firstDay": "now()", "dayCount": -3}}]"#)
        let now = Self.active((today - 3 * day)...(today - day)), before = Self.active((today - 6 * day)...(today - 4 * day))
        let firstSeen = Dictionary(grouping: Self.world.1, by: \.user).mapValues { $0.map(\.ms).min()! }
        let newUsers = now.filter { firstSeen[$0]! >= today - 3 * day }
        let recovered = now.subtracting(before).subtracting(newUsers)
        let dropped = before.subtracting(now)
        #expect(growth[0]["new"] == .number(Double(newUsers.count)))
        #expect(growth[0]["recovered"] == .number(Double(recovered.count)))
        #expect(growth[0]["dropped"] == .number(Double(dropped.count)))

        let adoption = try Self.run(#"""
            [{"adoption": {"appId": -323232, "firstDay": "now()", "dayCount": -7, "identified": "visitorId",
              "config": {"events": [{"kind": "trackEvent", "id": "export"}, {"kind": "page", "id": "/billing"}]}}}]
            """#)
        let base = Self.active(first...last) { !$0.user.hasPrefix("anon-") }
        let exported = Self.active(first...last) { $0.type == "export" }.intersection(base)
        let billed = Self.active(first...last) { $0.type == "page_view" && $0.page == "/billing" }.intersection(base)
        let naiveAdoption = Double(exported.count + billed.count) / Double(base.count * 2)
        #expect(abs(adoption[0]["adoption"]!.number! - naiveAdoption) < 1e-9)
        #expect(adoption[0]["activeVisitors"] == .number(Double(base.count)))

        let byAccount = try Self.run(#"[{"pes": {"appId": -323232, "firstDay": "now()", "dayCount": -7, "groupBy": "account"}}]"#)
        #expect(Set(byAccount.map { $0["accountId"]!.string! }) == Set(Self.world.1.compactMap(\.account)))
        #expect(byAccount.allSatisfy { row in row["pes"]!.number.map { (0...1).contains($0) } ?? false })
        let missing = PipelineHarness.failure(#"[{"adoption": {"firstDay": "now()", "dayCount": -7, "config": {"events": [{"kind": "trackEvent", "id": "nope"}]}}}]"#,
                                              TenantPipelineData(state: Self.world.0))
        #expect(missing?.kind == .notFound)
    }
}
