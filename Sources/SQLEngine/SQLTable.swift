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

/// One of the read-only tables a SQL query sees: its columns, which comparisons it narrows its
/// scan with (every one it accepts it applies exactly, so SQLite does not check them again), and
/// a cursor over its rows.
protocol SQLTable: AnyObject {
    static var name: String { get }
    static var summary: String { get }
    static var columns: [SQLColumn] { get }
    /// Whether a `column op value` comparison narrows the scan.
    static func accepts(column: Int, op: SQLConstraint.Op) -> Bool
    init(_ source: SQLSource)
    /// Rows a full scan reads, for SQLite's planner.
    var estimatedRows: Int { get }
    func makeCursor() -> SQLCursor
}

/// Walks a table's rows after `start`; `column` puts one value of the current row into SQLite's
/// result context.
protocol SQLCursor: AnyObject {
    func start(_ constraints: [SQLConstraint])
    func next()
    var atEnd: Bool { get }
    var rowID: Int64 { get }
    func column(_ index: Int, _ result: SQLResultContext)
}

extension SQLTable {
    static var declaration: String {
        "CREATE TABLE \(name)(" + columns.map { "\($0.name) \($0.type.rawValue)" }.joined(separator: ", ") + ")"
    }
}
