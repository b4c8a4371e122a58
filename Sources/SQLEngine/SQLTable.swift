import CSQLite
import Runtime

/// A column of one of Beacon's SQL tables, as `CREATE TABLE` declares it and the data-exploration
/// routes describe it.
public struct SQLColumn: Sendable {
    public enum DataType: String, Sendable { case text = "TEXT", integer = "INTEGER", real = "REAL" }
    public var name: String
    public var type: DataType
    public var description: String
}

/// A comparison SQLite hands a table to narrow its scan: `column op value`.
struct SQLConstraint {
    enum Op: Int32 {
        case equal = 2, greater = 4, lessOrEqual = 8, less = 16, greaterOrEqual = 32
    }
    var column: Int
    var op: Op
    /// The right-hand side; read by the table with the affinity its column has.
    var value: OpaquePointer
}

/// A sort SQLite asks for (`ORDER BY`, or the grouping of a `GROUP BY`).
struct SQLOrderTerm: Equatable {
    var column: Int
    var descending: Bool
}

/// One of the read-only tables a SQL query sees: its columns, which comparisons it narrows its
/// scan with (every one it accepts it applies exactly, so SQLite does not check them again), and
/// a cursor over its rows.
protocol SQLTable: AnyObject {
    static var name: String { get }
    static var summary: String { get }
    static var columns: [SQLColumn] { get }
    /// Whether a `column op value` comparison narrows the scan.
    static func accepts(column: Int, op: SQLConstraint.Op) -> Bool
    /// The rows and the cost of a scan narrowed by `used` comparisons, for SQLite's planner
    /// (cost in about the time of reading one event row).
    func estimate(_ used: [(column: Int, op: SQLConstraint.Op)]) -> (rows: Double, cost: Double)
    /// A nonzero plan number when the table can hand rows over in the order (or, for a
    /// `GROUP BY`, the grouping) of `terms`; the cursor's `start` gets it back.
    static func ordering(_ terms: [SQLOrderTerm]) -> Int32
    init(_ source: SQLSource)
    func makeCursor() -> SQLCursor
}

extension SQLTable {
    static func ordering(_ terms: [SQLOrderTerm]) -> Int32 { 0 }
}

/// Walks a table's rows after `start`; `column` puts one value of the current row into SQLite's
/// result context. A class to override rather than a protocol, so SQLite's per-row callbacks
/// reach it with one virtual call and no reference counting.
class SQLCursor {
    /// `ordering` is the plan number `SQLTable.ordering` gave, 0 for any order.
    func start(_ constraints: [SQLConstraint], ordering: Int32) {}
    func next() {}
    var atEnd: Bool { true }
    var rowID: Int64 { 0 }
    func column(_ index: Int, _ result: SQLResultContext) { result.null() }
}

extension SQLTable {
    static var declaration: String {
        "CREATE TABLE \(name)(" + columns.map { "\($0.name) \($0.type.rawValue)" }.joined(separator: ", ") + ")"
    }
}
