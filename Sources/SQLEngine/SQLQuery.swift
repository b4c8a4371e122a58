import CSQLite
import Foundation
import Runtime

/// Runs one read-only SQL statement over a tenant's view with SQLite: a private in-memory
/// connection per query, Beacon's tables registered as virtual tables reading the view in place,
/// an authorizer that lets through reads and function calls only, size limits, and a time budget
/// checked every thousand virtual-machine steps.
public enum SQLQuery {
    public static let defaultRowLimit = 1_000
    public static let maxRowLimit = 10_000
    /// The longest statement taken, in UTF-8 bytes.
    public static let maxQueryBytes: Int32 = 100_000
    public static let defaultBudget: Duration = .seconds(10)
    /// Memory SQLite may hold across all queries at once (sorts, groups, strings).
    public static let heapLimitBytes: Int64 = 512 << 20

    /// The tables a query can read, in the order the data-exploration routes list them.
    static let tables: [any SQLTable.Type] = [EventsTable.self, LogsTable.self, UsersTable.self, UserTraitsTable.self, ContextTable.self, UserDevicesTable.self]

    private static let configured: Bool = {
        sqlite3_hard_heap_limit64(heapLimitBytes)
        return true
    }()

    public static func run(_ text: String, on state: TenantState, rowLimit: Int = defaultRowLimit,
                           budget: Duration = defaultBudget) throws(SQLQueryError) -> SQLAnswer {
        _ = configured
        let deadline = SQLDeadline(ContinuousClock.now.advanced(by: budget))
        let connection = try SQLConnection(source: SQLSource(state: state, deadline: deadline))
        return try connection.answer(text, rowLimit: max(0, min(rowLimit, maxRowLimit)))
    }
}

/// One query's connection; closed (tables, module and all) when it goes away.
final class SQLConnection {
    private var db: OpaquePointer?
    private let module = SQLVirtualTableModule.make()
    private let source: SQLSource

    init(source: SQLSource) throws(SQLQueryError) {
        self.source = source
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(":memory:", &db, flags, nil) == SQLITE_OK, let db else {
            throw SQLQueryError(kind: .tooLarge, message: "query: no memory left to open a connection")
        }
        let limits: [(Int32, Int32)] = [
            (SQLITE_LIMIT_LENGTH, 10_000_000), (SQLITE_LIMIT_SQL_LENGTH, SQLQuery.maxQueryBytes), (SQLITE_LIMIT_COLUMN, 200),
            (SQLITE_LIMIT_EXPR_DEPTH, 200), (SQLITE_LIMIT_COMPOUND_SELECT, 50), (SQLITE_LIMIT_FUNCTION_ARG, 100),
            (SQLITE_LIMIT_ATTACHED, 0), (SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1_000), (SQLITE_LIMIT_TRIGGER_DEPTH, 0),
            (SQLITE_LIMIT_WORKER_THREADS, 0),
        ]
        for (limit, value) in limits { sqlite3_limit(db, limit, value) }
        for table in SQLQuery.tables {
            let box = Unmanaged.passRetained(SQLTableBox(table.init(source))).toOpaque()
            sqlite3_create_module_v2(db, table.name, module, box) { Unmanaged<SQLTableBox>.fromOpaque($0!).release() }
        }
        // Each table is connected (its schema declared) before the authorizer, which would refuse
        // the declaration, is in place.
        for table in SQLQuery.tables { sqlite3_exec(db, "SELECT 0 FROM \(table.name) LIMIT 0", nil, nil, nil) }
        sqlite3_set_authorizer(db, { _, action, _, _, _, _ in
            switch action {
            case SQLITE_SELECT, SQLITE_READ, SQLITE_FUNCTION, SQLITE_RECURSIVE: SQLITE_OK
            default: SQLITE_DENY
            }
        }, nil)
        sqlite3_progress_handler(db, 1_000, { context in
            Unmanaged<SQLDeadline>.fromOpaque(context!).takeUnretainedValue().passed ? 1 : 0
        }, Unmanaged.passUnretained(source.deadline).toOpaque())
    }

    deinit {
        sqlite3_close_v2(db)
        module.deallocate()
    }

    func answer(_ text: String, rowLimit: Int) throws(SQLQueryError) -> SQLAnswer {
        let statement = try prepareOne(text)
        defer { sqlite3_finalize(statement) }
        guard sqlite3_stmt_readonly(statement) != 0 else {
            throw SQLQueryError(kind: .notReadOnly, message: "query: only SELECT statements are allowed")
        }
        let count = Int(sqlite3_column_count(statement))
        guard count > 0 else { throw SQLQueryError(kind: .invalid, message: "query: the statement returns no columns") }
        var rows: [[SQLValue]] = []
        var truncated = false
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw failure(rc) }
            if rows.count == rowLimit { truncated = true; break }
            rows.append((0..<count).map { value(statement, Int32($0)) })
        }
        if source.cutShort { throw failure(SQLITE_INTERRUPT) }
        let columns = (0..<count).map { i in
            SQLAnswer.Column(name: sqlite3_column_name(statement, Int32(i)).map { String(cString: $0) } ?? "column\(i + 1)",
                             dataType: dataType(statement, i, rows))
        }
        return SQLAnswer(columns: columns, rows: rows, truncated: truncated)
    }

    /// The first statement of `text`; anything but whitespace and comments after it is refused.
    private func prepareOne(_ text: String) throws(SQLQueryError) -> OpaquePointer {
        var statement: OpaquePointer?
        var rest: String?
        let rc = text.withCString { start -> Int32 in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(db, start, -1, 0, &statement, &tail)
            if rc == SQLITE_OK, let tail { rest = String(cString: tail) }
            return rc
        }
        guard rc == SQLITE_OK else { throw failure(rc) }
        guard let statement else { throw SQLQueryError(kind: .invalid, message: "query: there is no statement") }
        if let rest, !rest.isEmpty {
            var next: OpaquePointer?
            let rc = sqlite3_prepare_v3(db, rest, -1, 0, &next, nil)
            sqlite3_finalize(next)
            if rc != SQLITE_OK || next != nil {
                sqlite3_finalize(statement)
                throw SQLQueryError(kind: .invalid, message: "query: one statement only")
            }
        }
        return statement
    }

    private func failure(_ rc: Int32) -> SQLQueryError {
        let message = db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "error \(rc)"
        switch rc & 0xFF {
        case SQLITE_INTERRUPT:
            return SQLQueryError(kind: .timeout, message: "query: stopped after its time budget; narrow the time range or simplify the query")
        case SQLITE_NOMEM: return SQLQueryError(kind: .tooLarge, message: "query: needs more memory than a query may use")
        case SQLITE_TOOBIG: return SQLQueryError(kind: .tooLarge, message: "query: \(message)")
        case SQLITE_AUTH: return SQLQueryError(kind: .notReadOnly, message: "query: only reads of Beacon's tables are allowed (\(message))")
        default: return SQLQueryError(kind: .invalid, message: "query: \(message)")
        }
    }

    private func value(_ statement: OpaquePointer, _ i: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, i))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, i) else { return .null }
            let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, i)))
            return .text(String(decoding: bytes, as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, i))
            guard let blob = sqlite3_column_blob(statement, i), count > 0 else { return .blob("") }
            return .blob(Data(bytes: blob, count: count).base64EncodedString())
        default: return .null
        }
    }

    private func dataType(_ statement: OpaquePointer, _ i: Int, _ rows: [[SQLValue]]) -> String {
        if let declared = sqlite3_column_decltype(statement, Int32(i)) { return String(cString: declared) }
        for row in rows {
            switch row[i] {
            case .null: continue
            case .integer: return "INTEGER"
            case .real: return "REAL"
            case .text: return "TEXT"
            case .blob: return "BLOB"
            }
        }
        return "NULL"
    }
}

/// When a query must stop; read by SQLite's progress handler and by tables that gather rows.
final class SQLDeadline: @unchecked Sendable {
    let end: ContinuousClock.Instant
    init(_ end: ContinuousClock.Instant) { self.end = end }
    var passed: Bool { ContinuousClock.now >= end }
}
