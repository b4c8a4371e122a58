import Foundation
import Testing
import TestSupport
@testable import Runtime

/// `metrics/logs`, `metrics/logs/top` and `metrics/logs/raw` against a plain list of records
/// filtered, bucketed and counted with loops, over random logs (several zones, records out of
/// time order, more than one chunk) and random questions: every granularity, breakdowns and conditions.
@Suite struct LogMetricsDifferentialTests {
    struct Record { var ts: Int64; var order: Int; var service: String?; var level: String; var source: String?; var message: String; var attributes: [String: String] }

    struct Scenario { var engine: TenantState; var records: [Record]; var reference: MetricsReference; var nowMs: Int64 }

    static let zones = ["UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
    static let messages = ["timeout", "connected", "retry 3", "disk full", "ok", "Timeout"]

    static func scenario(_ seed: Int) -> Scenario {
        var rng = SeededGenerator(seed: UInt64(seed))
        let timeZone = TimeZone(identifier: zones[seed % zones.count])!
        var engine = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: timeZone, retentionDays: 0))
        let nowMs = ISO8601Timestamp.parseMillisecondsForTests("2026-04-10T12:00:00Z")
        var records: [Record] = []
        var pending: [LogInput] = []
        // Some seeds fill more than one chunk, so sealed chunks and the open one are both read.
        let count = seed % 3 == 0 ? Int.random(in: 5000...9000, using: &rng) : Int.random(in: 300...1500, using: &rng)
        for order in 0..<count {
            let ts = rng.next() % 3 == 0 ? nowMs - Int64.random(in: 0..<(2 * 86_400_000), using: &rng) : nowMs - Int64.random(in: 0..<(50 * 86_400_000), using: &rng)
            let service = ["api", "web", "worker", nil].randomElement(using: &rng)!
            let source = ["db", "http", nil].randomElement(using: &rng)!
            let level = LogLevel.allCases.randomElement(using: &rng)!
            let message = messages.randomElement(using: &rng)!
            var attributes: [String: String] = [:]
            if rng.next() % 3 != 0 { attributes["region"] = ["eu", "us", "ap"].randomElement(using: &rng)! }
            if rng.next() % 2 == 0 { attributes["code"] = String(Int.random(in: 100...600, using: &rng)) }
            // A record without a time gets the clock.
            let timed = rng.next() % 20 != 0
            pending.append(LogInput(timestampMs: timed ? ts : nil, service: service, level: level, source: source, message: message,
                                    attributes: attributes.sorted { $0.key < $1.key }.map { .init($0.key, $0.value) }))
            records.append(Record(ts: timed ? ts : nowMs, order: order, service: service, level: level.name, source: source, message: message, attributes: attributes))
            if pending.count >= Int.random(in: 1...200, using: &rng) {
                try! engine.validate(pending, nowMs: nowMs)
                engine.applyValidated(pending, nowMs: nowMs)
                pending.removeAll()
            }
        }
        engine.applyValidated(pending, nowMs: nowMs)
        return Scenario(engine: engine, records: records, reference: MetricsReference(timeZone: timeZone), nowMs: nowMs)
    }

    static func value(_ field: LogField, _ r: Record) -> String? {
        switch field {
        case .level: r.level
        case .service: r.service
        case .source: r.source
        case .message: r.message
        case .attribute(let key): r.attributes[key]
        }
    }

    /// The reference's own reading of an operator, through a one-property event.
    static func holds(_ c: LogCondition, _ r: Record, _ reference: MetricsReference) -> Bool {
        let severity = LogLevel.allCases.map(\.name)
        if c.field == .level, [.gt, .gte, .lt, .lte].contains(c.op), let wanted = c.values.first.flatMap({ severity.firstIndex(of: $0) }) {
            let rank = severity.firstIndex(of: r.level)!
            switch c.op {
            case .gt: return rank > wanted
            case .gte: return rank >= wanted
            case .lt: return rank < wanted
            default: return rank <= wanted
            }
        }
        let actual = value(c.field, r)
        let event = MetricsReference.Event(user: "", type: "", page: nil, timestampMs: 0, properties: actual.map { ["v": $0] } ?? [:])
        return reference.holds(MetricsCondition(field: .property("v"), op: c.op, values: c.values), event)
    }

    static func passing(_ s: Scenario, _ q: LogQuery) -> [Record] {
        s.records.filter { r in r.ts >= q.window.startMs && r.ts < q.window.endMs && q.conditions.allSatisfy { holds($0, r, s.reference) } }
    }

    static func query(_ s: Scenario, _ rng: inout SeededGenerator) -> LogQuery {
        let window = MetricsSeriesDifferentialTests.window(s.engine, nowMs: s.nowMs, &rng)
        let fields: [LogField] = [.level, .service, .source, .message, .attribute("region"), .attribute("code"), .attribute("missing")]
        var conditions: [LogCondition] = []
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            let field = fields.randomElement(using: &rng)!
            let op = PropertyFilter.Op.allCases.randomElement(using: &rng)!
            let values: [String]
            switch field {
            case .level: values = ["error", "warn", "info"].shuffled(using: &rng)
            case .service: values = ["api", "worker"]
            case .source: values = ["db", "dbx"]
            case .message: values = [["time", "ok", "retry 3", "disk full"].randomElement(using: &rng)!, "connected"]
            case .attribute("code"): values = [String(Int.random(in: 100...600, using: &rng))]
            default: values = ["eu", "us"]
            }
            conditions.append(LogCondition(field: field, op: op, values: op.takesList ? values : Array(values.prefix(1))))
        }
        let breakdowns: [LogField] = [.level, .service, .source, .attribute("region"), .attribute("code"), .attribute("missing")]
        let breakdown = rng.next() % 2 == 0 ? breakdowns.randomElement(using: &rng) : nil
        return LogQuery(window: window, conditions: conditions, breakdown: breakdown, breakdownLimit: Int.random(in: 1...4, using: &rng))
    }

    func forEachQuestion(seed: Int, salt: UInt64, _ body: (Scenario, LogQuery, inout SeededGenerator) -> Void) {
        let s = Self.scenario(seed)
        var rng = SeededGenerator(seed: UInt64(seed) + salt)
        for _ in 0..<20 { body(s, Self.query(s, &rng), &rng) }
    }

    @Test(arguments: Array(0..<9))
    func countSeriesAgree(seed: Int) {
        forEachQuestion(seed: seed, salt: 100) { s, q, _ in
            let keys = q.window.buckets.map { s.reference.bucketKey($0.startMs, q.window.granularity) }
            var lines: [String?: [Double]] = [:]
            for r in Self.passing(s, q) {
                let value: String? = q.breakdown.map { Self.value($0, r) } ?? ""
                let i = keys.firstIndex(of: s.reference.bucketKey(r.ts, q.window.granularity))!
                lines[value, default: [Double](repeating: 0, count: keys.count)][i] += 1
            }
            let expected: [(MetricsSeries.Dimension, [Double])]
            if q.breakdown == nil {
                expected = [(.all, lines[""] ?? [Double](repeating: 0, count: keys.count))]
            } else {
                expected = MetricsReference.ranked(lines, total: { $0.reduce(0, +) }, limit: q.breakdownLimit) { rows in
                    rows.reduce([Double](repeating: 0, count: keys.count)) { sum, row in zip(sum, row).map(+) }
                }
            }
            let engine = s.engine.logCountSeries(q)
            #expect(engine.map(\.dimension) == expected.map(\.0), "dimensions for \(q), seed \(seed)")
            #expect(engine.map(\.values) == expected.map { $0.1.map { $0 as Double? } }, "values for \(q), seed \(seed)")
        }
    }

    @Test(arguments: Array(0..<9))
    func topMessagesByLevelAgree(seed: Int) {
        forEachQuestion(seed: seed, salt: 200) { s, q, rng in
            let limit = Int.random(in: 0...4, using: &rng)
            let offset = rng.next() % 2 == 0 ? 0 : Int.random(in: 1...3, using: &rng)
            var byLevel: [String: [String: Int]] = [:]
            for r in Self.passing(s, q) { byLevel[r.level, default: [:]]["\(r.message)\u{0}\(r.service ?? "")", default: 0] += 1 }
            let severity = LogLevel.allCases.map(\.name)
            let expected = byLevel.keys.sorted { severity.firstIndex(of: $0)! > severity.firstIndex(of: $1)! }.map { level in
                let counts = byLevel[level]!
                let top = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.dropFirst(offset).prefix(limit).map { key, count in
                    let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
                    return "\(parts[0])|\(parts[1])|\(count)"
                }
                return "\(level) \(counts.values.reduce(0, +)) \(counts.count) \(top)"
            }
            let engine = s.engine.topLogs(q, limit: limit, offset: offset).map { top in
                "\(top.level.name) \(top.count) \(top.distinct) \(top.messages.map { "\($0.message)|\($0.service ?? "")|\($0.count)" })"
            }
            #expect(engine == expected, "top for \(q), limit \(limit), offset \(offset), seed \(seed)")
        }
    }

    @Test(arguments: Array(0..<9))
    func rawRowsAgree(seed: Int) {
        forEachQuestion(seed: seed, salt: 300) { s, q, rng in
            let keep = [0, 1, 7, 100, 3000].randomElement(using: &rng)!
            let passing = Self.passing(s, q)
            let expected = passing.sorted { ($0.ts, $0.order) > ($1.ts, $1.order) }.prefix(keep).map { r in
                LogRecord(timestampMs: r.ts, service: r.service, level: LogLevel(name: r.level)!, source: r.source, message: r.message, attributes: r.attributes)
            }
            let (rows, total) = s.engine.logRows(q, keep: keep)
            #expect(total == passing.count, "total for \(q), seed \(seed)")
            #expect(rows == expected, "rows for \(q), keep \(keep), seed \(seed)")
        }
    }

    @Test(arguments: Array(0..<6))
    func recordsInASpanComeOldestFirst(seed: Int) {
        let s = Self.scenario(seed)
        var rng = SeededGenerator(seed: UInt64(seed) + 400)
        for _ in 0..<10 {
            let end = s.nowMs - Int64.random(in: 0..<(10 * 86_400_000), using: &rng)
            let start = end - Int64.random(in: 1..<(30 * 86_400_000), using: &rng)
            let expected = s.records.filter { $0.ts >= start && $0.ts < end }.sorted { ($0.ts, $0.order) < ($1.ts, $1.order) }
            let found = s.engine.logs.records(from: start, to: end)
            #expect(found.map(\.timestampMs) == expected.map(\.ts), "span \(start)..<\(end), seed \(seed)")
            #expect(found.map(\.message) == expected.map(\.message), "span \(start)..<\(end), seed \(seed)")
            #expect(found.map(\.attributes) == expected.map(\.attributes), "span \(start)..<\(end), seed \(seed)")
        }
    }
}
