import Runtime

/// `logs_v1`: the tenant's structured logs, one row per record, in arrival order. Comparisons
/// on `timestamp`/`timestamp_ms` skip chunks and rows outside the time range.
final class LogsTable: SQLTable {
    static let name = "logs_v1"
    static let summary = "Structured logs, one row per record"
    static let columns: [SQLColumn] = [
        SQLColumn(name: "timestamp", type: .text, description: "When it was logged, UTC `YYYY-MM-DD HH:MM:SS.mmm`"),
        SQLColumn(name: "timestamp_ms", type: .integer, description: "When it was logged, epoch milliseconds"),
        SQLColumn(name: "level", type: .text, description: "trace, debug, info, warn, error or fatal"),
        SQLColumn(name: "service", type: .text, description: "The service, NULL when none"),
        SQLColumn(name: "source", type: .text, description: "The source, NULL when none"),
        SQLColumn(name: "message", type: .text, description: "The message"),
        SQLColumn(name: "attributes", type: .text, description: "The attributes as a JSON object (read with json_extract)"),
    ]

    static func accepts(column: Int, op: SQLConstraint.Op) -> Bool { column <= 1 }

    let source: SQLSource
    init(_ source: SQLSource) { self.source = source }

    func estimate(_ used: [(column: Int, op: SQLConstraint.Op)]) -> (rows: Double, cost: Double) {
        let rows = Double(max(1, source.state.logs.count)) * (used.isEmpty ? 1 : 0.25)
        return (rows, rows * 2)
    }

    func makeCursor() -> SQLCursor { LogsCursor(source) }
}

final class LogsCursor: SQLCursor {
    private let source: SQLSource
    private let store: LogStore
    private let chunks: [LogColumns]
    private var chunk = 0, row = -1
    private var range = SQLTimeRange()
    private var formatter = SQLTimestamp()
    private var finished = true

    init(_ source: SQLSource) {
        self.source = source
        store = source.state.logs
        chunks = store.chunks
    }

    override func start(_ constraints: [SQLConstraint], ordering: Int32) {
        range = SQLTimeRange()
        for constraint in constraints {
            if constraint.column == 0 { range.narrow(text: constraint, in: source) } else { range.narrow(milliseconds: constraint) }
        }
        chunk = 0; row = -1
        finished = range.isEmpty
        next()
    }

    override func next() {
        while !finished {
            row += 1
            guard chunk < chunks.count else { finished = true; return }
            let columns = chunks[chunk]
            if row >= columns.count || columns.maxTimestamp < range.startMs || columns.minTimestamp >= range.endMs {
                chunk += 1; row = -1
                continue
            }
            if range.contains(columns.timestamps[row]) { return }
        }
    }

    override var atEnd: Bool { finished }
    override var rowID: Int64 { Int64(chunk) << 12 | Int64(row) }

    override func column(_ index: Int, _ result: SQLResultContext) {
        let columns = chunks[chunk]
        switch index {
        case 0: formatter.text(columns.timestamps[row]).withUnsafeBytes { result.text($0) }
        case 1: result.integer(columns.timestamps[row])
        case 2: result.text((LogLevel(rawValue: columns.levels[row]) ?? .info).name)
        case 3: result.optionalText(name(columns.services[row], in: store.services))
        case 4: result.optionalText(name(columns.sources[row], in: store.sources))
        case 5: columns.messageBytes.withUnsafeBytes { result.text(UnsafeRawBufferPointer(rebasing: $0[columns.messageRange(row)])) }
        default:
            var attributes: [String: String] = [:]
            for item in columns.attributeRange(row) { attributes[store.attributeKeys.string(columns.attributeKeys[item])] = columns.attributeValue(item) }
            result.text(SQLSource.json(attributes))
        }
    }

    private func name(_ id: UInt32, in interner: ByteInterner) -> String? { id == LogStore.absent ? nil : interner.string(id) }
}
