import Foundation
import Testing
@testable import Runtime
@testable import SQLEngine

/// What a query may not do: write, reach outside the tables, run two statements, run past its
/// budget, or take more rows or memory than allowed; each a clear error, never a crash.
@Suite struct SQLSafetyTests {
    let s: SQLScenario = {
        var s = SQLScenario(seed: 71, count: 300...300)
        s.engine.applyValidated([LogInput(timestampMs: SQLScenario.nowMs - 1000, service: "api", message: "hello")], nowMs: SQLScenario.nowMs)
        return s
    }()

    func refusal(_ sql: String, budget: Duration = SQLQuery.defaultBudget) -> SQLQueryError? {
        do { _ = try SQLQuery.run(sql, on: s.engine, budget: budget); return nil } catch { return error }
    }

    @Test func writesAndSchemaChangesAreRefused() {
        for sql in ["INSERT INTO events_v1(event_name) VALUES ('x')", "DELETE FROM events_v1", "CREATE TABLE t(a)",
                    "DROP TABLE events_v1", "PRAGMA writable_schema = 1", "ATTACH DATABASE '/tmp/x.db' AS x",
                    "CREATE TEMP VIEW v AS SELECT 1", "VACUUM", "BEGIN", "SELECT load_extension('x')"] {
            let error = refusal(sql)
            #expect(error != nil, "\(sql)")
            #expect(error?.kind != .timeout && error?.kind != .tooLarge, "\(sql)")
        }
        #expect(refusal("ATTACH DATABASE '/tmp/x.db' AS x")?.kind == .notReadOnly || refusal("ATTACH DATABASE '/tmp/x.db' AS x")?.kind == .invalid)
    }

    @Test func oneStatementOnly() {
        #expect(refusal("SELECT 1; SELECT 2")?.message == "query: one statement only")
        #expect(refusal("SELECT 1; DELETE FROM events_v1")?.kind == .invalid)
        #expect(refusal("SELECT 1; -- a comment") == nil)
        #expect(refusal("   ")?.kind == .invalid)
        #expect(refusal("SELEC 1")?.kind == .invalid)
        #expect(refusal("SELECT nope FROM events_v1")?.message.contains("nope") == true)
    }

    @Test func aRunawayQueryStopsAtItsBudget() {
        let forever = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        #expect(refusal(forever, budget: .milliseconds(200))?.kind == .timeout)
    }

    /// Bounds at Int64's ends narrow scans without overflow (a session's lead-in is subtracted).
    @Test func extremeTimeBoundsAnswer() throws {
        for sql in ["SELECT count(*) FROM context_v1 WHERE started_ms >= -9223372036854775808",
                    "SELECT count(*) FROM context_v1 WHERE started_ms > -9223372036854775000 AND started_ms <= 9223372036854775807",
                    "SELECT count(*) FROM events_v1 WHERE timestamp_ms > 9223372036854775807 OR timestamp_ms < -9223372036854775808",
                    "SELECT count(*) FROM context_v1 WHERE started_at >= '0000-01-01' AND started_at < '9999-12-31'"] {
            let answer = try SQLQuery.run(sql, on: s.engine)
            #expect(answer.rows.count == 1, "\(sql)")
        }
        let all = try SQLQuery.run("SELECT count(*) FROM context_v1", on: s.engine).rows
        #expect(try SQLQuery.run("SELECT count(*) FROM context_v1 WHERE started_ms >= -9223372036854775000", on: s.engine).rows == all)
    }

    @Test func bigValuesAreRefused() {
        #expect(refusal("SELECT length(randomblob(200000000))")?.kind == .tooLarge)
    }

    @Test func rowsStopAtTheLimit() throws {
        let answer = try SQLQuery.run("SELECT * FROM events_v1", on: s.engine, rowLimit: 10)
        #expect(answer.rows.count == 10 && answer.truncated)
        #expect(answer.columns.map(\.name).prefix(3) == ["timestamp", "timestamp_ms", "event_name"])
        #expect(answer.columns[1].dataType == "INTEGER")
        let all = try SQLQuery.run("SELECT count(*) AS n FROM events_v1", on: s.engine)
        #expect(all.rows == [[.integer(300)]] && !all.truncated && all.columns == [.init(name: "n", dataType: "INTEGER")])
    }

    @Test func everyTableAnswers() throws {
        for table in SQLQuery.tables {
            let answer = try SQLQuery.run("SELECT * FROM \(table.name) LIMIT 3", on: s.engine)
            #expect(answer.columns.map(\.name) == table.columns.map(\.name))
            #expect(!answer.rows.isEmpty, "\(table.name)")
        }
    }
}
