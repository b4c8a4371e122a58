/// The tenant's structured logs in arrival order: sealed chunks plus one open chunk, bounded by
/// the tenant's retention like the event log (old sealed chunks are evicted, oldest first).
public struct LogStore: Sendable {
    /// Small next to the event log's: logs carry text, and a chunk is the unit of eviction.
    public static let chunkCapacity = 4096
    /// The id of a missing service or source.
    public static let absent = UInt32.max

    public package(set) var services = ByteInterner(capacity: 16)
    public package(set) var sources = ByteInterner(capacity: 16)
    public package(set) var attributeKeys = ByteInterner(capacity: 64)
    public package(set) var sealed: [SealedLogChunk] = []
    public package(set) var open = LogColumns()
    /// Records dropped past retention since the start.
    public package(set) var evictedRecords = 0

    public init() {}

    /// Records held.
    public var count: Int { sealed.count * Self.chunkCapacity + open.count }

    /// Every chunk's columns, oldest first, the open one last.
    public var chunks: [LogColumns] { sealed.map(\.columns) + [open] }

    mutating func append(_ input: LogInput, timestampMs: Int64) {
        let service = input.service.map { services.intern($0) } ?? Self.absent
        let source = input.source.map { sources.intern($0) } ?? Self.absent
        let attributes = input.attributes.map { (key: attributeKeys.intern($0.key), value: $0.value) }
        open.append(timestampMs: timestampMs, level: input.level, service: service, source: source, message: input.message, attributes: attributes)
        if open.count == Self.chunkCapacity {
            sealed.append(SealedLogChunk(open))
            open = LogColumns()
        }
    }

    /// Drops sealed chunks whose newest record is older than `cutoffMs`.
    mutating func evict(olderThan cutoffMs: Int64) {
        while let first = sealed.first, first.columns.maxTimestamp < cutoffMs {
            evictedRecords += first.columns.count
            sealed.removeFirst()
        }
    }

    public var memoryBytes: Int {
        sealed.reduce(open.memoryBytes) { $0 + $1.columns.memoryBytes } + services.memoryBytes + sources.memoryBytes + attributeKeys.memoryBytes
    }

    /// The name of an interned service or source id; nil for `absent`.
    @inline(__always)
    func name(_ id: UInt32, in interner: ByteInterner) -> String? { id == Self.absent ? nil : interner.string(id) }

    /// Record `row` of `chunk`, its text decoded.
    public func record(_ row: Int, of chunk: LogColumns) -> LogRecord {
        var attributes: [String: String] = [:]
        for item in chunk.attributeRange(row) { attributes[attributeKeys.string(chunk.attributeKeys[item])] = chunk.attributeValue(item) }
        return LogRecord(timestampMs: chunk.timestamps[row], service: name(chunk.services[row], in: services),
                         level: LogLevel(rawValue: chunk.levels[row]) ?? .info, source: name(chunk.sources[row], in: sources),
                         message: chunk.message(row), attributes: attributes)
    }

    /// Calls `body` with every record timed in `startMs..<endMs`, in arrival order (nearly time
    /// order); chunks wholly outside the span are skipped on their time bounds without reading a row.
    /// O(records in the chunks that overlap the span); decodes only the records it hands over.
    public func forEachRecord(from startMs: Int64, to endMs: Int64, _ body: (LogRecord) throws -> Void) rethrows {
        for chunk in chunks where chunk.count > 0 && chunk.maxTimestamp >= startMs && chunk.minTimestamp < endMs {
            for row in 0..<chunk.count where chunk.timestamps[row] >= startMs && chunk.timestamps[row] < endMs {
                try body(record(row, of: chunk))
            }
        }
    }

    /// The records timed in `startMs..<endMs`, oldest first (of two at the same instant, the one
    /// logged first first). O(n log n) in the records returned.
    public func records(from startMs: Int64, to endMs: Int64) -> [LogRecord] {
        var found: [(order: Int, record: LogRecord)] = []
        forEachRecord(from: startMs, to: endMs) { found.append((found.count, $0)) }
        return found.sorted { ($0.record.timestampMs, $0.order) < ($1.record.timestampMs, $1.order) }.map(\.record)
    }
}

/// One log record with its text: the public, row-at-a-time view (`logs_v1`, raw lists).
public struct LogRecord: Sendable, Equatable {
    public var timestampMs: Int64
    public var service: String?
    public var level: LogLevel
    public var source: String?
    public var message: String
    public var attributes: [String: String]

    public init(timestampMs: Int64, service: String?, level: LogLevel, source: String?, message: String, attributes: [String: String]) {
        self.timestampMs = timestampMs; self.service = service; self.level = level; self.source = source
        self.message = message; self.attributes = attributes
    }
}
