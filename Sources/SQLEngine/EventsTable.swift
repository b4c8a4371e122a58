import Runtime

/// `events_v1`: every event the log still holds (retention evicts the oldest), one row each, in
/// arrival order. Comparisons on `timestamp`/`timestamp_ms` skip whole chunks and rows,
/// `event_name = …` rows of other types, and `user_id = …` reads one user's rows through an
/// index built once per query; rows come grouped by event name when a `GROUP BY` or `ORDER BY`
/// asks for it, so SQLite need not sort them.
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
    static let timestampColumn = 0, millisecondsColumn = 1, eventNameColumn = 2, userColumn = 3
    static let contextStart = 7
    static let byNameAscending: Int32 = 1, byNameDescending: Int32 = 2

    static func accepts(column: Int, op: SQLConstraint.Op) -> Bool {
        column == timestampColumn || column == millisecondsColumn || ((column == eventNameColumn || column == userColumn) && op == .equal)
    }

    static func ordering(_ terms: [SQLOrderTerm]) -> Int32 {
        guard terms.count == 1, terms[0].column == eventNameColumn else { return 0 }
        return terms[0].descending ? byNameDescending : byNameAscending
    }

    let source: SQLSource
    init(_ source: SQLSource) { self.source = source }

    func estimate(_ used: [(column: Int, op: SQLConstraint.Op)]) -> (rows: Double, cost: Double) {
        var rows = Double(max(1, source.state.log.count))
        if used.contains(where: { $0.column == Self.timestampColumn || $0.column == Self.millisecondsColumn }) { rows *= 0.25 }
        if used.contains(where: { $0.column == Self.eventNameColumn }) { rows *= 0.05 }
        if used.contains(where: { $0.column == Self.userColumn }) { rows /= Double(max(1, source.state.users.liveCount)) }
        return (rows, rows)
    }

    func makeCursor() -> SQLCursor { EventsCursor(source) }
}

final class EventsCursor: SQLCursor {
    private let source: SQLSource
    private let state: TenantState
    private let chunks: [SQLChunkColumns]
    /// The rows to hand over, each `chunk << 16 | row`, when they are not simply the log's.
    private var picked: [Int] = []
    private var usePicked = false
    private var index = -1
    private var chunk = 0, row = -1
    /// The chunk `chunk` names, read through pointers set when the cursor moves to another.
    private var current = SQLChunkColumns()
    private var currentChunk = -1
    private var range = SQLTimeRange()
    /// The one type rows must have, when `event_name = …` names one; `UInt32.max` when the name is unknown.
    private var onlyType: UInt32?
    private var formatter = SQLTimestamp()
    private var context: SQLContextReader
    private let typeNames: SQLNames
    private var finished = false
    override var atEnd: Bool { finished }

    init(_ source: SQLSource) {
        self.source = source
        self.typeNames = source.typeNames
        self.state = source.state
        self.context = SQLContextReader(source.state)
        self.chunks = source.chunkColumns
    }

    override func start(_ constraints: [SQLConstraint], ordering: Int32) {
        range = SQLTimeRange(); onlyType = nil
        var onlyUser: UInt32?? = nil
        for constraint in constraints {
            switch constraint.column {
            case EventsTable.timestampColumn: range.narrow(text: constraint, in: source)
            case EventsTable.millisecondsColumn: range.narrow(milliseconds: constraint)
            case EventsTable.userColumn:
                let user = SQLUserSelection.named(constraint, in: source)
                if case .some(let already) = onlyUser, already != user { onlyUser = .some(nil) } else { onlyUser = .some(user) }
            default:
                let type = SQLValueText.bytes(constraint.value).flatMap { bytes in
                    bytes.withUnsafeBytes { state.eventTypeNames.lookup($0) }
                } ?? UInt32.max
                if let already = onlyType, already != type { onlyType = UInt32.max } else { onlyType = type }
            }
        }
        index = -1; chunk = 0; row = -1
        finished = range.isEmpty || onlyType == UInt32.max
        usePicked = onlyUser != nil || ordering != 0
        if case .some(.none) = onlyUser { finished = true }
        if usePicked && !finished {
            let descending = ordering == EventsTable.byNameDescending
            if case .some(.some(let user)) = onlyUser {
                var rows = source.rows(of: user, in: range)
                if let onlyType { rows = rows.filter { chunks[$0 >> 16].types[$0 & 0xFFFF] == onlyType } }
                picked = ordering != 0 ? groupedByName(rows, descending: descending) : rows
            } else {
                picked = rangeGroupedByName(descending: descending)
            }
        }
        next()
    }

    /// Rows reordered by event name (byte order, as the BINARY collation sorts), log order within a name.
    private func groupedByName(_ rows: [Int], descending: Bool) -> [Int] {
        var counts = [Int](repeating: 0, count: state.eventTypeNames.count)
        for ref in rows { counts[Int(chunks[ref >> 16].types[ref & 0xFFFF])] += 1 }
        var next = firstSlots(counts, descending: descending)
        var out = [Int](repeating: 0, count: rows.count)
        for ref in rows {
            let type = Int(chunks[ref >> 16].types[ref & 0xFFFF])
            out[next[type]] = ref
            next[type] += 1
        }
        return out
    }

    /// The rows of `range` (of `onlyType` when set) grouped by event name, straight from the
    /// chunks: one pass counts each type, a second places each row.
    private func rangeGroupedByName(descending: Bool) -> [Int] {
        var counts = [Int](repeating: 0, count: state.eventTypeNames.count)
        let inRange = chunks.indices.filter { chunks[$0].count > 0 && chunks[$0].maxTimestamp >= range.startMs && chunks[$0].minTimestamp < range.endMs }
        for c in inRange {
            let chunk = chunks[c]
            for r in 0..<chunk.count where range.contains(chunk.timestamps[r]) { counts[Int(chunk.types[r])] += 1 }
        }
        if let onlyType { for t in counts.indices where t != Int(onlyType) { counts[t] = 0 } }
        var next = firstSlots(counts, descending: descending)
        var out = [Int](repeating: 0, count: counts.reduce(0, +))
        for c in inRange {
            let chunk = chunks[c]
            for r in 0..<chunk.count where range.contains(chunk.timestamps[r]) {
                let type = Int(chunk.types[r])
                if let onlyType, type != Int(onlyType) { continue }
                out[next[type]] = c << 16 | r
                next[type] += 1
            }
        }
        return out
    }

    /// Type ids in name order, sorted once per cursor (a join's inner loop starts it per row).
    private lazy var typesByName: [Int] = (0..<state.eventTypeNames.count).sorted {
        state.eventTypeNames.string(UInt32($0)).utf8.lexicographicallyPrecedes(state.eventTypeNames.string(UInt32($1)).utf8)
    }

    /// Where each type's rows start when types follow each other in name order.
    private func firstSlots(_ counts: [Int], descending: Bool) -> [Int] {
        let order = descending ? typesByName.reversed() : typesByName
        var start = [Int](repeating: 0, count: counts.count)
        var at = 0
        for type in order { start[type] = at; at += counts[type] }
        return start
    }

    override func next() {
        if usePicked {
            index += 1
            if index >= picked.count { finished = true; return }
            chunk = picked[index] >> 16; row = picked[index] & 0xFFFF
            load(chunk)
            return
        }
        while !finished {
            row += 1
            if chunk >= chunks.count { finished = true; return }
            load(chunk)
            if row >= current.count || current.maxTimestamp < range.startMs || current.minTimestamp >= range.endMs {
                chunk += 1; row = -1
                continue
            }
            let ts = current.timestamps[row]
            guard ts >= range.startMs, ts < range.endMs else { continue }
            if let onlyType, current.types[row] != onlyType { continue }
            return
        }
    }

    @inline(__always) private func load(_ number: Int) {
        if number != currentChunk { current = chunks[number]; currentChunk = number }
    }

    override var rowID: Int64 { Int64(chunk) << 16 | Int64(row) }

    override func column(_ index: Int, _ result: SQLResultContext) {
        switch index {
        case 0: formatter.text(current.timestamps[row]).withUnsafeBytes { result.text($0) }
        case 1: result.integer(current.timestamps[row])
        case 2: typeNames.put(current.types[row], into: result)
        case 3: source.userNames.put(source.canonical(current.users[row]), into: result)
        case 4:
            let account = current.accounts[row]
            if account == AccountIndex.none.rawValue { result.null() } else { source.accountNames.put(account, into: result) }
        case 5:
            let page = current.pages[row]
            if page == PageIndex.none.rawValue { result.null() } else { source.pageNames.put(page, into: result) }
        case 6: source.propertiesJSON(current.propertySets[row]).withUnsafeBytes { result.text($0) }
        default:
            guard let field = SQLContextField(rawValue: index - EventsTable.contextStart) else { return result.null() }
            context.put(field, set: current.propertySets[row], in: state, into: result)
        }
    }
}

/// A chunk's columns as buffer pointers, so reading a row costs no reference counting. The
/// columns of a chunk in an immutable view never change, and the query's `SQLSource` keeps
/// every chunk alive while its cursors run, so their storage stays where it is.
struct SQLChunkColumns {
    let timestamps: UnsafeBufferPointer<Int64>
    let users, accounts, types, pages, propertySets: UnsafeBufferPointer<UInt32>
    let minTimestamp: Int64
    let maxTimestamp: Int64
    var count: Int { timestamps.count }

    init() { self.init(EventColumns()) }

    init(_ columns: EventColumns) {
        timestamps = columns.timestamps.withUnsafeBufferPointer { $0 }
        users = columns.users.withUnsafeBufferPointer { $0 }
        accounts = columns.accounts.withUnsafeBufferPointer { $0 }
        types = columns.types.withUnsafeBufferPointer { $0 }
        pages = columns.pages.withUnsafeBufferPointer { $0 }
        propertySets = columns.propertySets.withUnsafeBufferPointer { $0 }
        minTimestamp = columns.minTimestamp
        maxTimestamp = columns.maxTimestamp
    }
}
