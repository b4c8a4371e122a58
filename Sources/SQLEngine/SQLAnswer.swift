/// What a query answers: its columns, the rows up to the row limit, and whether more were left.
public struct SQLAnswer: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var name: String
        /// The declared type of a table column, else the type of the column's first non-NULL value
        /// (`INTEGER`, `REAL`, `TEXT`, `BLOB`), else `NULL`.
        public var dataType: String
    }

    public var columns: [Column]
    public var rows: [[SQLValue]]
    /// Whether the query had more rows than the limit let through.
    public var truncated: Bool
}

public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    /// Blobs are answered as base64 text.
    case blob(String)
}

/// Why a query was refused or stopped; every case is the caller's to fix.
public struct SQLQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Empty, several statements, or not SQL SQLite understands.
        case invalid = "invalid_query"
        /// A statement that would write, or touches something other than the tables.
        case notReadOnly = "read_only"
        /// Ran past the time budget.
        case timeout = "query_timeout"
        /// Needed more memory or a bigger value than allowed.
        case tooLarge = "query_too_large"
    }
    public var kind: Kind
    public var message: String
    public var description: String { message }
}
