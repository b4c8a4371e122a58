/// The objects the Personyze-compatible API keeps that Beacon has no other home for
/// (docs/personyze.md): placeholders, grab-variable containers, and the product and article
/// catalogues, each a table of rows with free columns. Stored through the WAL (type 24) and
/// snapshots (section 34). Also when the API last changed each user's profile.
public struct PersonyzeTables: Sendable, Equatable {
    public enum Table: String, Sendable, CaseIterable {
        case placeholders
        case grabVariables = "containers_grab_variable"
        case products
        case articles

        /// Rows a table may hold.
        public var maxRows: Int {
            switch self {
            case .placeholders, .grabVariables: 10_000
            case .products, .articles: 1_000_000
            }
        }

        /// The catalogues upsert on `internal_id` and stamp `data_last_modified`.
        public var isCatalogue: Bool { self == .products || self == .articles }
    }

    public static let maxColumns = 200
    public static let maxCellBytes = 65_536

    public package(set) var tables: [Table: RowTable] = [:]
    /// Per user index: when this API last changed the user's profile (ms).
    public package(set) var userModifiedMs: [UInt32: Int64] = [:]

    public init() {}

    public subscript(table: Table) -> RowTable { tables[table] ?? RowTable() }
}

/// One table's rows by id, and, for the catalogues, the row each `internal_id` names.
public struct RowTable: Sendable, Equatable {
    public package(set) var rows: [Int: Row] = [:]
    public package(set) var nextID = 1
    public package(set) var byInternalID: [String: Int] = [:]

    public init() {}

    public var count: Int { rows.count }

    /// Ids in ascending order.
    public var ids: [Int] { rows.keys.sorted() }

    /// The row with its `id` column.
    public func row(_ id: Int) -> Row? {
        guard var row = rows[id] else { return nil }
        row["id"] = .int(Int64(id))
        return row
    }

    package mutating func put(_ id: Int, _ row: Row) {
        if let old = rows[id]?["internal_id"], byInternalID[old.text] == id { byInternalID[old.text] = nil }
        rows[id] = row
        if let key = row["internal_id"], !key.isNull { byInternalID[key.text] = id }
        if id >= nextID, id < Int.max { nextID = id + 1 }
    }

    mutating func remove(_ id: Int) {
        if let old = rows[id]?["internal_id"], byInternalID[old.text] == id { byInternalID[old.text] = nil }
        rows[id] = nil
    }
}

extension RowTable: RowSource {
    public func candidates(for query: RowQuery) -> [Int] {
        if let keys = query.pinnedValues(of: "id") { return Set(keys.compactMap { Int($0) }.filter { rows[$0] != nil }).sorted() }
        if let keys = query.pinnedValues(of: "internal_id") { return Set(keys.compactMap { byInternalID[$0] }).sorted() }
        return ids
    }

    public func row(_ id: Int, columns: Set<String>?) -> Row? { row(id) }
}
