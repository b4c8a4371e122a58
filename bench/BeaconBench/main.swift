// In-process benchmark: ingest of generated NDJSON into one tenant (simdjson parse + apply), then
// the index-backed reads (DAU/WAU/MAU series, live users). Prints one JSON object to stdout.
//   beacon-bench FILE.ndjson [--expected expected_10m.json] [--end 2026-11-01]
import Foundation
import Actors
import Runtime

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
          let pages = Int(text.split(separator: " ")[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { log("usage: beacon-bench FILE.ndjson [--expected FILE] [--end YYYY-MM-DD]"); exit(2) }
func option(_ name: String) -> String? { arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } }
let endDay = TenantCalendar.parseISODate(option("--end") ?? "2026-11-01")!
let nowMs = Int64(endDay) * TenantCalendar.dayMs   // the data's window end: nothing counts as "future"

// Batches of 1,000 lines, built before timing so only parsing and applying are measured.
log("reading \(arguments[1]) ...")
let file = try Data(contentsOf: URL(fileURLWithPath: arguments[1]), options: .alwaysMapped)
var bodies: [[UInt8]] = []
var eventsInFile = 0
file.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
    let bytes = raw.bindMemory(to: UInt8.self)
    var body: [UInt8] = Array("{\"events\":[".utf8)
    var inBatch = 0
    var lineStart = 0
    for i in 0..<bytes.count where bytes[i] == UInt8(ascii: "\n") {
        if i > lineStart {
            if inBatch > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[lineStart..<i]))
            inBatch += 1
            eventsInFile += 1
            if inBatch == 1000 {
                body.append(contentsOf: Array("]}".utf8)); bodies.append(body)
                body = Array("{\"events\":[".utf8); inBatch = 0
            }
        }
        lineStart = i + 1
    }
    if inBatch > 0 { body.append(contentsOf: Array("]}".utf8)); bodies.append(body) }
}
log("\(eventsInFile) events in \(bodies.count) batches")

let parser = FastIngestParser()
var state = TenantState(settings: TenantSettings(id: "bench", name: "bench", retentionDays: 0))
let rssBefore = residentBytes()
let ingestSeconds = try seconds {
    for body in bodies {
        let batch = try body.withUnsafeBytes { try parser.parse($0) }
        _ = try state.ingest(batch, nowMs: nowMs, anonymousID: "anon-bench")
    }
}
let rssAfter = residentBytes()

// The server's shape: bodies are parsed on request threads while the tenant actor applies, so
// parsing (one thread) and applying (another) overlap on the two cores.
var pipelined = TenantState(settings: TenantSettings(id: "bench", name: "bench", retentionDays: 0))
nonisolated(unsafe) let parsedSlots = UnsafeMutableBufferPointer<ParsedBatch?>.allocate(capacity: bodies.count)
parsedSlots.initialize(repeating: nil)
let ready = DispatchSemaphore(value: 0)
let room = DispatchSemaphore(value: 64)
nonisolated(unsafe) let sharedBodies = bodies
let pipelinedSeconds = try seconds {
    let producer = Thread {
        let parser = FastIngestParser()
        for (i, body) in sharedBodies.enumerated() {
            room.wait()
            parsedSlots[i] = try! body.withUnsafeBytes { try parser.parse($0) }
            ready.signal()
        }
    }
    producer.start()
    for i in 0..<bodies.count {
        ready.wait()
        _ = try pipelined.ingest(parsedSlots[i]!, nowMs: nowMs, anonymousID: "anon-bench")
        parsedSlots[i] = nil
        room.signal()
    }
}
log(String(format: "pipelined ingest %.2f s (%.0f events/s)", pipelinedSeconds, Double(eventsInFile) / pipelinedSeconds))
pipelined = TenantState(settings: pipelined.settings)   // its memory back before the queries are timed

let parseSeconds = try seconds { for body in bodies { _ = try body.withUnsafeBytes { try parser.parse($0) } } }
log(String(format: "ingest %.2f s (%.0f events/s), parse alone %.2f s", ingestSeconds, Double(eventsInFile) / ingestSeconds, parseSeconds))

// Each read is timed this many times and its median reported: the index reads take microseconds
// to a few milliseconds, the scans tens to hundreds; the counts go out with the figures.
let indexReadRuns = 31, liveRuns = 1001, scanRuns = 11

// DAU, WAU and MAU: 30 points each, for the 30 days before the window end.
let range = DayRange(days: 30, endingOn: endDay - 1)

/// A grouped trend as the server answers it: the pass split across the cores, then put together.
func splitTrend(_ type: EventTypeIndex, in state: TenantState) -> [TenantState.TrendSeries] {
    var total = TenantState.TrendCounts(width: range.count)
    for part in SplitScan.run(state, { s, chunks in s.trendCounts(of: type, range, groupBy: "country", chunks: chunks) }) { total.add(part) }
    return state.trendSeries(total)
}
// BENCH_PROFILE=paths: only time the paths after loading (for a profiler).
if ProcessInfo.processInfo.environment["BENCH_PROFILE"] == "paths", let viewed = state.eventTypeIndex("report_viewed") {
    for direction in [TenantState.PathDirection.forward, .backward] {
        var times: [Double] = []
        for _ in 0..<9 { times.append(seconds { _ = state.paths(from: viewed, range: range, depth: 4, direction: direction) }) }
        print(direction, median(times) * 1000, "ms")
    }
    exit(0)
}
if ProcessInfo.processInfo.environment["BENCH_PROFILE"] == "segment" {
    let rules: [SegmentRule] = [
        .eventCount(event: "report_viewed", comparison: .gte, value: 3, withinDays: 14),
        .userProperty(PropertyFilter(property: "plan", op: .eq, values: ["pro"])),
        .didNotEvent(event: "report_exported", withinDays: 14),
    ]
    for rule in rules + [.all(rules)] {
        var times: [Double] = []
        var size = 0
        for _ in 0..<21 { times.append(seconds { size = state.members(of: [rule], today: endDay - 1) { _ in nil }.count }) }
        print(rule, size, median(times) * 1000, "ms")
    }
    exit(0)
}
if ProcessInfo.processInfo.environment["BENCH_PROFILE"] == "trend", let pageView = state.eventTypeIndex("page_view") {
    var single: [Double] = [], split: [Double] = []
    for _ in 0..<11 {
        single.append(seconds { _ = state.trend(of: pageView, range, groupBy: "country") })
        split.append(seconds { _ = splitTrend(pageView, in: state) })
    }
    print("trend single", median(single) * 1000, "ms, split", median(split) * 1000, "ms")
    exit(0)
}
if ProcessInfo.processInfo.environment["BENCH_PROFILE"] == "funnel_trend" {
    // The metrics API's funnel trend (bench/metrics_api.py's question), single pass and split by user.
    let steps = ["login", "report_viewed", "report_exported"].compactMap { state.eventTypeIndex($0) }
    let definition = TenantState.FunnelDefinition(steps: steps.map { TenantState.FunnelStepDefinition(eventType: $0) }, windowMs: TenantCalendar.dayMs)
    let window = MetricsWindow(days: range, granularity: .daily, calendar: state.calendar)
    var single: [Double] = [], split: [Double] = []
    for _ in 0..<(Int(ProcessInfo.processInfo.environment["BENCH_RUNS"] ?? "") ?? 11) {
        single.append(seconds { _ = state.funnelTrend(definition, window: window) })
        split.append(seconds {
            let count = SplitScan.parts
            let parts = SplitScan.runNumbered(state, parts: count) { s, i in s.funnelTrendPart(definition, window: window, part: (i, count)) }
            _ = state.funnelTrend(definition, window: window, parts: parts)
        })
    }
    print("funnel trend single", median(single) * 1000, "ms, split", median(split) * 1000, "ms")
    exit(0)
}
if ProcessInfo.processInfo.environment["BENCH_PROFILE"] == "health" {
    // Every account's health as of the data's last day (the list before paging), and one account's 90-day history.
    // And one run of the signal rules as of the data's last hour (what each refresh costs when data changed).
    var list: [Double] = [], history: [Double] = [], signals: [Double] = []
    var found = 0
    let lastHourMs = nowMs - 3_600_000
    for _ in 0..<(Int(ProcessInfo.processInfo.environment["BENCH_RUNS"] ?? "") ?? 21) {
        list.append(seconds { _ = state.healthList(asOf: endDay - 1) })
        history.append(seconds { _ = state.accountHealthHistory(AccountIndex(0), range: DayRange(days: 90, endingOn: endDay - 1)) })
        signals.append(seconds { found = state.dueSignalEdits(nowMs: lastHourMs).count })
    }
    print("health list", median(list) * 1000, "ms, 90-day history", median(history) * 1000, "ms,", state.accounts.count, "accounts")
    print(#"{"signals_ms": \#(median(signals) * 1000), "signals_found": \#(found), "list_ms": \#(median(list) * 1000)}"#)
    exit(0)
}
if ProcessInfo.processInfo.environment["BENCH_PROFILE"] == "accounts" {
    var times: [Double] = [], unionTimes: [Double] = [], eventTimes: [Double] = []
    for _ in 0..<21 {
        times.append(seconds { _ = state.accountList(range, limit: 100) })
        unionTimes.append(seconds { _ = state.activeUsers(in: range) })
        eventTimes.append(seconds { _ = state.accountEvents(in: range) })
    }
    print("list", median(times) * 1000, "union", median(unionTimes) * 1000, "events", median(eventTimes) * 1000)
    exit(0)
}
var dau: [Int] = [], wau: [Int] = [], mau: [Int] = []
var seriesTimes: [Double] = []
for _ in 0..<indexReadRuns {
    seriesTimes.append(seconds {
        dau = state.dailyActiveUsers(range)
        wau = state.trailingActiveUsers(range, window: 7)
        mau = state.trailingActiveUsers(range, window: 30)
    })
}
let maxTs = state.newestTimestampMs!
var liveTimes: [Double] = []
var live = state.liveUsers(nowMs: maxTs)
for _ in 0..<liveRuns { liveTimes.append(seconds { live = state.liveUsers(nowMs: maxTs) }) }

// The anchor funnel (Q6): 4 steps, 7-day window, step 1 anywhere in the 30 days.
let funnelSteps = ["signup", "onboarding_started", "onboarding_completed", "first_report_created"]
var funnelTimes: [Double] = []
var funnel = state.funnel(steps: funnelSteps, range: range, windowMs: 7 * TenantCalendar.dayMs)
for _ in 0..<scanRuns { funnelTimes.append(seconds { funnel = state.funnel(steps: funnelSteps, range: range, windowMs: 7 * TenantCalendar.dayMs) }) }

// The same funnel with a property filter on step 1, a 2-day window on the last step and logouts
// excluded between steps 2 and 3: the frontier path rather than the plain scan.
let richDefinition = TenantState.FunnelDefinition(
    steps: funnelSteps.enumerated().map { i, name in
        TenantState.FunnelStepDefinition(eventType: state.eventTypeIndex(name)!,
                                         filters: i == 0 ? [PropertyFilter(property: "plan", op: .neq, values: ["enterprise"])] : [],
                                         withinMs: i == 3 ? 2 * TenantCalendar.dayMs : nil)
    },
    exclusions: [TenantState.FunnelExclusion(eventType: state.eventTypeIndex("logout")!, afterStep: 2)],
    windowMs: 7 * TenantCalendar.dayMs)
var richFunnelTimes: [Double] = []
var richFunnel = state.funnel(richDefinition, range: range)
for _ in 0..<scanRuns { richFunnelTimes.append(seconds { richFunnel = state.funnel(richDefinition, range: range) }) }

// Index-backed answers of the analytics issue: adoption of every event type, and event counts (Q4).
var adoptionTimes: [Double] = [], eventCountTimes: [Double] = []
var eventUsage = state.eventTypeUsage(range)
for _ in 0..<indexReadRuns {
    adoptionTimes.append(seconds { _ = state.adoption(range) })
    eventCountTimes.append(seconds { eventUsage = state.eventTypeUsage(range) })
}

// Weekly retention, cohorts by first event (anchor Q7): every cohort week of the data, weeks 0…4.
let cohortRange = DayRange(first: TenantState.periodStart(of: state.days.firstDay, .week), last: endDay - 1)
var retentionTimes: [Double] = []
var cohorts = state.retention(entry: nil, returning: nil, period: .week, cohortRange: cohortRange, periods: 4)
for _ in 0..<scanRuns { retentionTimes.append(seconds { cohorts = state.retention(entry: nil, returning: nil, period: .week, cohortRange: cohortRange, periods: 4) }) }

// Trend of page views split by country, and the correlation of two event types, over 30 days.
var trendTimes: [Double] = [], splitTrendTimes: [Double] = [], correlationTimes: [Double] = []
let pageView = state.eventTypeIndex("page_view")!, exported = state.eventTypeIndex("report_exported")!, viewed = state.eventTypeIndex("report_viewed")!
for _ in 0..<scanRuns {
    trendTimes.append(seconds { _ = state.trend(of: pageView, range, groupBy: "country") })
    splitTrendTimes.append(seconds { _ = splitTrend(pageView, in: state) })
    correlationTimes.append(seconds { _ = state.correlation(viewed, exported, range) })
}

// The account list (every account, users, active users and events in 30 days) and paths of
// depth 4 forward from report_viewed, as bench/analytics_sql.py asks DuckDB and chDB.
var accountTimes: [Double] = [], pathTimes: [Double] = [], backwardPathTimes: [Double] = []
var accountRows = state.accountList(range, limit: 100)
var pathResult = state.paths(from: viewed, range: range, depth: 4, direction: .forward)
for _ in 0..<scanRuns {
    accountTimes.append(seconds { accountRows = state.accountList(range, limit: 100) })
    pathTimes.append(seconds { pathResult = state.paths(from: viewed, range: range, depth: 4, direction: .forward) })
    backwardPathTimes.append(seconds { _ = state.paths(from: viewed, range: range, depth: 4, direction: .backward) })
}

// A 3-rule segment estimate (as bench/analytics_sql.py asks DuckDB and chDB): report_viewed at
// least 3 times in 14 days, plan = pro (latest event), no report_exported in 14 days; "today" is
// the data's last day.
let segmentRules: [SegmentRule] = [
    .eventCount(event: "report_viewed", comparison: .gte, value: 3, withinDays: 14),
    .userProperty(PropertyFilter(property: "plan", op: .eq, values: ["pro"])),
    .didNotEvent(event: "report_exported", withinDays: 14),
]
var estimateTimes: [Double] = []
var estimateSize = 0
for _ in 0..<indexReadRuns { estimateTimes.append(seconds { estimateSize = state.members(of: segmentRules, today: endDay - 1) { _ in nil }.count }) }

// Ingest again with 50 dynamic segments kept current and 20 active nudges following them, at
// the server's pace (SegmentRefreshPace), against the plain ingest above.
let segmentTypes = ["report_viewed", "dashboard_viewed", "search_performed", "login", "filter_applied", "feature_x_used", "report_exported",
                    "comment_added", "feature_y_used", "invite_sent"]
var withSegments = TenantState(settings: TenantSettings(id: "bench", name: "bench", retentionDays: 0))
for i in 0..<50 {
    let a = segmentTypes[i % segmentTypes.count], b = segmentTypes[(i + 3) % segmentTypes.count]
    let rules: [SegmentRule]
    switch i % 5 {
    case 0: rules = [.eventCount(event: a, comparison: .gte, value: 2 + i % 3, withinDays: 14)]
    case 1: rules = [.didEvent(event: a, withinDays: 7, filters: []), .didNotEvent(event: b, withinDays: 7)]
    case 2: rules = [.userProperty(PropertyFilter(property: "plan", op: .eq, values: ["pro"])), .didEvent(event: a, withinDays: 30, filters: [])]
    case 3: rules = [.any([.didEvent(event: a, withinDays: 7, filters: []), .didEvent(event: b, withinDays: 7, filters: [])])]
    default: rules = [.lastSeen(beforeDays: 3 + i % 4)]
    }
    try withSegments.apply(.create(id: i + 1, name: "s\(i)", folder: nil, isStatic: false, rules: rules, nowMs: nowMs))
}
for i in 0..<20 {
    try withSegments.apply(.create(NudgeDefinition(title: "n\(i)", targetPage: "/p\(i)*", targetSegment: i + 1, goalEvent: segmentTypes[i % segmentTypes.count]),
                                   id: i + 1, nowMs: nowMs))
    try withSegments.apply(.setStatus(id: i + 1, status: .active, nowMs: nowMs))
}
var refreshTimes: [Double] = []
var lastRefresh = DispatchTime.now().uptimeNanoseconds, lastCost: UInt64 = 0
var audienceMoves = 0
let segmentIngestSeconds = try seconds {
    for body in bodies {
        let batch = try body.withUnsafeBytes { try parser.parse($0) }
        _ = try withSegments.ingest(batch, nowMs: nowMs, anonymousID: "anon-bench")
        let now = DispatchTime.now().uptimeNanoseconds
        if now - lastRefresh > SegmentRefreshPace.interval(lastCostNs: lastCost) {
            lastRefresh = now
            let spent = try seconds {
                let changes = withSegments.refreshSegments(nowMs: nowMs)
                for edit in withSegments.audienceEdits(for: changes, nowMs: nowMs) { try withSegments.apply(edit); audienceMoves += 1 }
            }
            refreshTimes.append(spent)
            lastCost = UInt64(spent * 1e9)
        }
    }
}
log(String(format: "ingest with 50 dynamic segments and 20 nudges %.2f s (%.0f events/s), %d refreshes", segmentIngestSeconds,
           Double(eventsInFile) / segmentIngestSeconds, refreshTimes.count))
withSegments = TenantState(settings: withSegments.settings)

// Agreement with a precomputed answer file (DuckDB's answers when the file was made, cross-checked
// with chDB); bench/report.py checks the answers against this run's DuckDB and chDB as well. That
// file holds Q2 for the last day only, so its WAU and MAU checks cover the series' last point.
var agreement: [String: Bool] = [:]
if let path = option("--expected"), let data = FileManager.default.contents(atPath: path),
   let expected = try JSONSerialization.jsonObject(with: data) as? [String: Any],
   let answers = expected["answers"] as? [String: Any] {
    if let q1 = answers["Q1"] as? [[Any]] {
        let expectedDAU = q1.map { ($0[0] as! String, $0[1] as! Int) }
        let ours = range.all.map { (TenantCalendar.isoDate($0), dau[Int($0 - range.first)]) }
        agreement["Q1_dau"] = expectedDAU.elementsEqual(ours) { $0.0 == $1.0 && $0.1 == $1.1 }
    }
    if let q4 = answers["Q4"] as? [[Any]] {
        let expected = Set(q4.map { "\($0[0]) \($0[1]) \($0[2])" })
        agreement["Q4_event_counts"] = expected == Set(eventUsage.map { "\($0.name) \($0.count) \($0.users)" })
    }
    if let q6 = answers["Q6"] as? [Int] { agreement["Q6_funnel"] = q6 == funnel.steps.map(\.users) }
    if let q2 = answers["Q2"] as? [String: Int] {
        agreement["Q2_wau_last_point"] = q2["wau"] == wau.last
        agreement["Q2_mau_last_point"] = q2["mau"] == mau.last
    }
}

let result: [String: Any] = [
    "events": eventsInFile,
    "ingest_seconds": ingestSeconds,
    "ingest_events_per_second": Double(eventsInFile) / ingestSeconds,
    "parse_seconds": parseSeconds,
    "pipelined_events_per_second": Double(eventsInFile) / pipelinedSeconds,
    "apply_events_per_second": Double(eventsInFile) / max(ingestSeconds - parseSeconds, 0.001),
    "rss_growth_bytes_per_event": Double(rssAfter - rssBefore) / Double(eventsInFile),
    "state_bytes_per_event": Double(state.memoryBytes) / Double(eventsInFile),
    "series_median_ms": median(seriesTimes) * 1000,
    "live_median_ms": median(liveTimes) * 1000,
    "funnel_median_ms": median(funnelTimes) * 1000,
    "trend_median_ms": median(trendTimes) * 1000,
    "trend_split_median_ms": median(splitTrendTimes) * 1000,
    "correlation_median_ms": median(correlationTimes) * 1000,
    "retention_median_ms": median(retentionTimes) * 1000,
    "retention_rows": cohorts.flatMap { cohort in cohort.retained.enumerated().filter { $0.element > 0 }.map { [TenantCalendar.isoDate(cohort.start), "\($0.offset)", "\($0.element)"] } },
    "adoption_median_ms": median(adoptionTimes) * 1000,
    "event_counts_median_ms": median(eventCountTimes) * 1000,
    "funnel_users": funnel.steps.map(\.users),
    "rich_funnel_median_ms": median(richFunnelTimes) * 1000,
    "rich_funnel_users": richFunnel.steps.map(\.users),
    "account_list_median_ms": median(accountTimes) * 1000,
    "segment_estimate_median_ms": median(estimateTimes) * 1000,
    "segment_estimate_size": estimateSize,
    "segment_ingest_events_per_second": Double(eventsInFile) / segmentIngestSeconds,
    "segment_refresh_median_ms": median(refreshTimes) * 1000,
    "segment_refresh_max_ms": (refreshTimes.max() ?? 0) * 1000,
    "segment_refreshes": refreshTimes.count,
    "account_list_count": accountRows.total,
    "account_list_rows": accountRows.rows.prefix(20).map { [$0.account, $0.users, $0.activeUsers, $0.events] as [Any] },
    "paths_median_ms": median(pathTimes) * 1000,
    "paths_backward_median_ms": median(backwardPathTimes) * 1000,
    "paths_sessions": pathResult.sessions,
    "paths_rows": pathResult.paths.prefix(20).map { [$0.labels, $0.sessions] as [Any] },
    "live_active_users": live.activeUsers,
    "live_sparkline": live.sparkline.map(\.users),
    "live_sparkline_minute_ms": live.sparkline.map(\.minuteStartMs),
    "live_at_ms": maxTs,
    "event_counts_rows": eventUsage.map { [$0.name, $0.count, $0.users] as [Any] },
    "query_runs": [
        "series": indexReadRuns, "live": liveRuns, "funnel": scanRuns, "rich_funnel": scanRuns, "adoption": indexReadRuns,
        "event_counts": indexReadRuns, "retention": scanRuns, "trend": scanRuns, "trend_split": scanRuns, "correlation": scanRuns,
        "account_list": scanRuns, "paths": scanRuns, "paths_backward": scanRuns, "segment_estimate": indexReadRuns,
    ],
    "dau": dau, "wau": wau, "mau": mau,
    "agreement": agreement,
]
let output = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: output, as: UTF8.self))
