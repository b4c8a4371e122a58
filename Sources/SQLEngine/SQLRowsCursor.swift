/// A cursor over rows a table gathers when the scan starts (derived tables: users, traits,
/// sessions, devices), each row an array of values in column order.
final class SQLRowsCursor: SQLCursor {
    private let gather: ([SQLConstraint]) -> [[SQLValue]]
    private var rows: [[SQLValue]] = []
    private var index = 0

    init(_ gather: @escaping ([SQLConstraint]) -> [[SQLValue]]) { self.gather = gather }

    override func start(_ constraints: [SQLConstraint], ordering: Int32) { rows = gather(constraints); index = 0 }
    override func next() { index += 1 }
    override var atEnd: Bool { index >= rows.count }
    override var rowID: Int64 { Int64(index) }

    override func column(_ column: Int, _ result: SQLResultContext) {
        switch rows[index][column] {
        case .null: result.null()
        case .integer(let v): result.integer(v)
        case .real(let v): result.real(v)
        case .text(let v), .blob(let v): result.text(v)
        }
    }
}

extension SQLValue {
    static func text(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    static func timestamp(_ ms: Int64) -> SQLValue { .text(SQLTimestamp.string(ms)) }
}
