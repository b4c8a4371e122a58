import Runtime

/// `events_v1`: every event the log still holds (retention evicts the oldest), one row each, in
/// arrival order. Comparisons on `timestamp`/`timestamp_ms` skip whole chunks and rows, and
/// `event_name = …` skips rows of other types, before SQLite sees them.
final class EventsTable: SQLTable {
    static let name = "events_v1"
    static let summary = "Custom events and page views, one row per event"
    static let columns: [SQLColumn] = [
        SQLColumn(name: "timestamp", type: .text, description: "When it happened, UTC `YYYY-MM-DD HH:MM:SS.mmm`"),
        SQLColumn(name: "timestamp_ms", type: .integer, description: "When it happened, epoch milliseconds"),
        SQLColumn(name: "event_name", type: .text, description: "The event type"),
        SQLColumn(name: "user_id", type: .text, description: "The user (after identity merges)"),
        SQLColumn(name: "account_id", type: .text, description: "The account, NULL when none"),
        SQLColumn(name: "page", type: .text, description: "The page, NULL when none"),
        SQLColumn(name: "properties", type: .text, description: "The event's properties as a JSON object (read with json_extract)"),
    ] + SQLContextField.allCases.map(\.sqlColumn)
    static let timestampColumn = 0, millisecondsColumn = 1, eventNameColumn = 2
    static let contextStart = 7

    static func accepts(column: Int, op: SQLConstraint.Op) -> Bool {
        column == timestampColumn || column == millisecondsColumn || (column == eventNameColumn && op == .equal)
    }

    let source: SQLSource
    init(_ source: SQLSource) { self.source = source }

    var estimatedRows: Int { source.state.log.count }

    func makeCursor() -> SQLCursor { EventsCursor(source) }
}

final class EventsCursor: SQLCursor {
    private let source: SQLSource
    private let state: TenantState
    private var chunks: [EventColumns] = []
    private var chunk = 0, row = -1
    private var current = EventColumns()
    private var range = SQLTimeRange()
    /// The one type rows must have, when `event_name = …` names one; `UInt32.max` when the name is unknown.
    private var onlyType: UInt32?
    private var formatter = SQLTimestamp()
    private var context: SQLContextReader
    private(set) var atEnd = false

    init(_ source: SQLSource) {
        self.source = source
        self.state = source.state
        self.context = SQLContextReader(source.state)
    }

    func start(_ constraints: [SQLConstraint]) {
        range = SQLTimeRange(); onlyType = nil
        for constraint in constraints {
            switch constraint.column {
            case EventsTable.timestampColumn: range.narrow(text: constraint)
            case EventsTable.millisecondsColumn: range.narrow(milliseconds: constraint)
            default:
                let type = SQLValueText.bytes(constraint.value).flatMap { bytes in
                    bytes.withUnsafeBytes { state.eventTypeNames.lookup($0) }
                } ?? UInt32.max
                if let already = onlyType, already != type { onlyType = UInt32.max } else { onlyType = type }
            }
        }
        chunks = []
        if !range.isEmpty, onlyType != UInt32.max {
            state.log.forEachChunk { columns in
                if columns.count > 0, columns.maxTimestamp >= range.startMs, columns.minTimestamp < range.endMs { chunks.append(columns) }
            }
        }
        chunk = 0; row = -1
        current = chunks.first ?? EventColumns()
        atEnd = chunks.isEmpty
        next()
    }

    func next() {
        while !atEnd {
            row += 1
            if row >= current.count {
                chunk += 1; row = -1
                if chunk >= chunks.count { atEnd = true; current = EventColumns(); return }
                current = chunks[chunk]
                continue
            }
            let ts = current.timestamps[row]
            guard ts >= range.startMs, ts < range.endMs else { continue }
            if let onlyType, current.types[row] != onlyType { continue }
            return
        }
    }

    var rowID: Int64 { Int64(chunk) << 20 | Int64(row) }

    func column(_ index: Int, _ result: SQLResultContext) {
        switch index {
        case 0: formatter.text(current.timestamps[row]).withUnsafeBytes { result.text($0) }
        case 1: result.integer(current.timestamps[row])
        case 2: state.eventTypeNames.withBytes(of: current.types[row]) { result.text($0) }
        case 3:
            let user = current.users[row]
            let canonical = state.users.mergedCount > 0 ? source.canonicalOf[Int(user)] : user
            state.userNames.withBytes(of: canonical) { result.text($0) }
        case 4:
            let account = current.accounts[row]
            if account == AccountIndex.none.rawValue { result.null() } else { state.accountNames.withBytes(of: account) { result.text($0) } }
        case 5:
            let page = current.pages[row]
            if page == PageIndex.none.rawValue { result.null() } else { state.pageNames.withBytes(of: page) { result.text($0) } }
        case 6: source.propertiesJSON(current.propertySets[row]).withUnsafeBytes { result.text($0) }
        default:
            guard let field = SQLContextField(rawValue: index - EventsTable.contextStart) else { return result.null() }
            context.put(field, set: current.propertySets[row], in: state, into: result)
        }
    }
}
