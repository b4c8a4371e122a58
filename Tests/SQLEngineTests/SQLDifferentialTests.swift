import Foundation
import Testing
import TestSupport
@testable import Runtime
@testable import SQLEngine

/// SQL answers over the virtual tables checked against loops over the plain event list, and
/// every narrowing the tables do checked against the same query with narrowing defeated (a
/// subquery with a LIMIT is never flattened nor handed the outer WHERE, so SQLite compares those
/// rows itself, with the column's affinity).
@Suite struct SQLDifferentialTests {
    func rows(_ sql: String, _ s: SQLScenario) throws -> [[SQLValue]] {
        try SQLQuery.run(sql, on: s.engine, rowLimit: SQLQuery.maxRowLimit).rows
    }

    func counts(_ sql: String, _ s: SQLScenario) throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for row in try rows(sql, s) {
            guard case .integer(let n) = row[1] else { Issue.record("not a count: \(row)"); continue }
            switch row[0] {
            case .text(let key): out[key] = n
            case .null: out["<null>"] = n
            default: Issue.record("unexpected key \(row[0])")
            }
        }
        return out
    }

    @Test(arguments: 1...4)
    func eventCountsPerTypeInATimeRange(seed: Int) throws {
        let s = SQLScenario(seed: UInt64(seed))
        let from = SQLScenario.nowMs - Int64(seed) * 86_400_000 - 1234, to = SQLScenario.nowMs - 3_600_000
        let sql = "SELECT event_name, count(*) FROM events_v1 WHERE timestamp >= '\(SQLScenario.text(from))' AND timestamp < '\(SQLScenario.text(to))' GROUP BY event_name"
        var expected: [String: Int64] = [:]
        for e in s.events where e.timestampMs >= from && e.timestampMs < to { expected[e.type, default: 0] += 1 }
        #expect(try counts(sql, s) == expected)
    }

    @Test(arguments: 1...3)
    func usersAreCanonicalAndJoinUsers(seed: Int) throws {
        let s = SQLScenario(seed: UInt64(seed) + 10)
        var expected: [String: Int64] = [:]
        for e in s.events where e.type == "purchase" { expected[s.canonical(e.user), default: 0] += 1 }
        #expect(try counts("SELECT user_id, count(*) FROM events_v1 WHERE event_name = 'purchase' GROUP BY user_id", s) == expected)
        let joined = "SELECT u.user_id, count(*) FROM events_v1 e JOIN users_v1 u ON u.user_id = e.user_id WHERE e.event_name = 'purchase' GROUP BY u.user_id"
        #expect(try counts(joined, s) == expected)
        var perUser: [String: Int64] = [:]
        for e in s.events { perUser[s.canonical(e.user), default: 0] += 1 }
        #expect(try counts("SELECT user_id, event_count FROM users_v1", s) == perUser)
        let one = perUser.keys.sorted().first!
        #expect(try counts("SELECT user_id, event_count FROM users_v1 WHERE user_id = '\(one)'", s) == [one: perUser[one]!])
        if let merged = s.mergedInto.keys.first {
            #expect(try rows("SELECT * FROM users_v1 WHERE user_id = '\(merged)'", s).isEmpty)
        }
    }

    @Test func propertiesAreJSONAndContextColumnsReadThem() throws {
        let s = SQLScenario(seed: 31)
        var countries: [String: Int64] = [:], devices: [String: Int64] = [:], notes: [String: Int64] = [:]
        for e in s.events {
            countries[e.properties["country"] ?? "<null>", default: 0] += 1
            devices[e.properties["device"] ?? "<null>", default: 0] += 1
            notes[e.properties["note"] ?? "<null>", default: 0] += 1
        }
        #expect(try counts("SELECT json_extract(properties, '$.country'), count(*) FROM events_v1 GROUP BY 1", s) == countries)
        #expect(try counts("SELECT country, count(*) FROM events_v1 GROUP BY 1", s) == countries)
        #expect(try counts("SELECT device_type, count(*) FROM events_v1 GROUP BY 1", s) == devices)
        #expect(try counts("SELECT json_extract(properties, '$.note'), count(*) FROM events_v1 GROUP BY 1", s) == notes)
    }

    /// Sessions cut by hand: a user's events sorted, a new session after more than 30 minutes.
    @Test(arguments: 1...3)
    func sessionsMatchACutByHand(seed: Int) throws {
        let s = SQLScenario(seed: UInt64(seed) + 40)
        var times: [String: [Int64]] = [:]
        for e in s.events { times[s.canonical(e.user), default: []].append(e.timestampMs) }
        var starts: [(String, Int64, Int)] = []
        for (user, list) in times {
            let sorted = list.sorted()
            var start = sorted[0], n = 0, last = sorted[0]
            for t in sorted {
                if t - last > 30 * 60_000 { starts.append((user, start, n)); start = t; n = 0 }
                last = t; n += 1
            }
            starts.append((user, start, n))
        }
        let from = SQLScenario.nowMs - 5 * 86_400_000 + 777
        var expected: [String: Int64] = [:], events: [String: Int64] = [:]
        for (user, start, n) in starts where start >= from { expected[user, default: 0] += 1; events[user, default: 0] += Int64(n) }
        #expect(try counts("SELECT user_id, count(*) FROM context_v1 WHERE started_ms >= \(from) GROUP BY user_id", s) == expected)
        #expect(try counts("SELECT user_id, sum(events) FROM context_v1 WHERE started_at >= '\(SQLScenario.text(from))' GROUP BY user_id", s) == events)
        #expect(try counts("SELECT user_id, count(*) FROM (SELECT * FROM context_v1 LIMIT -1) WHERE started_ms >= \(from) GROUP BY user_id", s) == expected)
    }

    @Test func devicesGroupEachUsersEvents() throws {
        let s = SQLScenario(seed: 51)
        var pairs: [String: Int64] = [:]
        for e in s.events { pairs["\(s.canonical(e.user))|\(e.properties["device"] ?? "-")", default: 0] += 1 }
        #expect(try counts("SELECT user_id || '|' || coalesce(device_type, '-'), events FROM user_devices", s) == pairs)
    }

    /// Values of every type and shape against each operator: the narrowed scan must answer what
    /// SQLite's own comparison answers.
    @Test(arguments: ["timestamp", "timestamp_ms", "event_name"])
    func narrowingIsExact(column: String) throws {
        let s = SQLScenario(seed: 61)
        let some = s.events[7].timestampMs
        let values = ["'\(SQLScenario.text(some))'", "'\(SQLScenario.text(some - 86_400_000).prefix(10))'", "'2026-04'", "'2026-04-05T10'",
                      "'9'", "'abc'", "''", "\(some)", "\(some).5", "'\(some)'", "\(Double(some) + 0.0)", "NULL", "5", "-1e300", "1e300",
                      "'purchase'", "'login'", "'nope'", "x'00'", "x'6c6f67696e'"]
        for op in ["=", "<", "<=", ">", ">="] {
            for value in values {
                let narrowed = try rows("SELECT count(*) FROM events_v1 WHERE \(column) \(op) \(value)", s)
                let plain = try rows("SELECT count(*) FROM (SELECT \(column) AS c FROM events_v1 LIMIT -1) WHERE c \(op) \(value)", s)
                #expect(narrowed == plain, "\(column) \(op) \(value)")
            }
        }
        let both = try rows("SELECT count(*) FROM events_v1 WHERE event_name = 'login' AND event_name = 'export'", s)
        #expect(both == [[.integer(0)]])
        let inList = try rows("SELECT count(*) FROM events_v1 WHERE event_name IN ('login', 'export')", s)
        #expect(inList == [[.integer(Int64(s.events.filter { $0.type == "login" || $0.type == "export" }.count))]])
    }

    /// Rows handed over grouped by name (GROUP BY, ORDER BY) and looked up by user (a join's
    /// inner loop) answer what SQLite answers from the same rows in log order.
    @Test(arguments: 1...2)
    func groupedAndIndexedScansAgreeWithPlainOnes(seed: Int) throws {
        let s = SQLScenario(seed: UInt64(seed) + 80)
        let plain = "(SELECT * FROM events_v1 LIMIT -1)"
        for (sql, order) in [("SELECT event_name, count(*), min(timestamp_ms) FROM %@ GROUP BY event_name", false),
                             ("SELECT event_name, count(*) FROM %@ WHERE timestamp >= '2026-04-01' GROUP BY 1 ORDER BY 1 DESC", true),
                             ("SELECT event_name FROM %@ WHERE event_name != 'login' ORDER BY event_name", true),
                             ("SELECT event_name FROM %@ ORDER BY event_name DESC", true),
                             ("SELECT event_name FROM %@ ORDER BY event_name COLLATE NOCASE", true),
                             ("SELECT DISTINCT event_name FROM %@", false)] {
            var narrowed = try rows(sql.replacingOccurrences(of: "%@", with: "events_v1"), s)
            var reference = try rows(sql.replacingOccurrences(of: "%@", with: plain), s)
            if !order {
                narrowed.sort { "\($0)" < "\($1)" }; reference.sort { "\($0)" < "\($1)" }
            }
            #expect(narrowed == reference, "\(sql)")
        }
        let from = SQLScenario.nowMs - 15 * 86_400_000, since = SQLScenario.nowMs - 3 * 86_400_000
        var firstSeen: [String: Int64] = [:]
        for e in s.events { firstSeen[s.canonical(e.user)] = min(firstSeen[s.canonical(e.user)] ?? .max, e.timestampMs) }
        var expected: [String: Int64] = [:]
        for e in s.events where e.timestampMs >= since && firstSeen[s.canonical(e.user)]! >= from { expected[s.canonical(e.user), default: 0] += 1 }
        let join = "SELECT e.user_id, count(*) FROM users_v1 u JOIN events_v1 e ON e.user_id = u.user_id WHERE u.first_seen_ms >= \(from) AND e.timestamp_ms >= \(since) GROUP BY 1"
        #expect(try counts(join, s) == expected)
        let reversed = "SELECT e.user_id, count(*) FROM events_v1 e JOIN users_v1 u ON e.user_id = u.user_id WHERE u.first_seen >= '\(SQLScenario.text(from))' AND e.timestamp >= '\(SQLScenario.text(since))' GROUP BY 1"
        #expect(try counts(reversed, s) == expected)
        let one = expected.keys.sorted().first!
        #expect(try counts("SELECT user_id, count(*) FROM events_v1 WHERE user_id = '\(one)' AND timestamp_ms >= \(since) GROUP BY 1", s) == [one: expected[one]!])
    }

    /// logs_v1 against the list of logs sent: counts per level and service in a time range, and
    /// attributes through json_extract.
    @Test func logsAnswerWhatWasSent() throws {
        var s = SQLScenario(seed: 91, count: 10...10)
        var rng = SeededGenerator(seed: 92)
        var sent: [LogInput] = []
        for _ in 0..<9000 {
            let ts = SQLScenario.nowMs - Int64.random(in: 0..<(3 * 86_400_000), using: &rng)
            let level = LogLevel.allCases.randomElement(using: &rng)!
            let service = rng.next() % 4 == 0 ? nil : ["api", "web", "worker"].randomElement(using: &rng)!
            let attributes = rng.next() % 2 == 0 ? [LogInput.Attribute("region", ["eu", "us"].randomElement(using: &rng)!)] : []
            sent.append(LogInput(timestampMs: ts, service: service, level: level, source: nil, message: "m\(Int.random(in: 0..<5, using: &rng))", attributes: attributes))
        }
        for batch in stride(from: 0, to: sent.count, by: 1000) { s.engine.applyValidated(Array(sent[batch..<min(batch + 1000, sent.count)]), nowMs: SQLScenario.nowMs) }
        let from = SQLScenario.nowMs - 86_400_000 - 4321
        var expected: [String: Int64] = [:], regions: [String: Int64] = [:]
        for log in sent where log.timestampMs! >= from {
            expected["\(log.level.name)/\(log.service ?? "-")", default: 0] += 1
            regions[log.attributes.first?.value ?? "<null>", default: 0] += 1
        }
        #expect(try counts("SELECT level || '/' || coalesce(service, '-'), count(*) FROM logs_v1 WHERE timestamp_ms >= \(from) GROUP BY 1", s) == expected)
        #expect(try counts("SELECT json_extract(attributes, '$.region'), count(*) FROM logs_v1 WHERE timestamp >= '\(SQLScenario.text(from))' GROUP BY 1", s) == regions)
    }
}
