/// Columns of up to `LogStore.chunkCapacity` log records in arrival order. Service, source and
/// attribute keys are ids interned by the `LogStore`; messages and attribute values sit in byte
/// arenas cut by end offsets, so a record costs a few integers plus its text.
public struct LogColumns: Sendable {
    public package(set) var timestamps: [Int64] = []
    /// `LogLevel` raw values.
    public package(set) var levels: [UInt8] = []
    /// Ids in `LogStore.services`, `LogStore.absent` for none.
    public package(set) var services: [UInt32] = []
    /// Ids in `LogStore.sources`, `LogStore.absent` for none.
    public package(set) var sources: [UInt32] = []
    /// Record r's message is `messageBytes[messageEnds[r - 1] ..< messageEnds[r]]` (from 0 for the first).
    public package(set) var messageEnds: [UInt32] = []
    public package(set) var messageBytes: [UInt8] = []
    /// Record r's attributes are the items `attributeEnds[r - 1] ..< attributeEnds[r]`.
    public package(set) var attributeEnds: [UInt32] = []
    /// Per item: the key's id in `LogStore.attributeKeys`, and where its value ends in `attributeValueBytes`.
    public package(set) var attributeKeys: [UInt32] = []
    public package(set) var attributeValueEnds: [UInt32] = []
    public package(set) var attributeValueBytes: [UInt8] = []
    public package(set) var minTimestamp: Int64 = .max
    public package(set) var maxTimestamp: Int64 = .min

    public init() {}

    public var count: Int { timestamps.count }

    /// Where record `row`'s message lies in `messageBytes`.
    @inline(__always)
    public func messageRange(_ row: Int) -> Range<Int> { (row == 0 ? 0 : Int(messageEnds[row - 1]))..<Int(messageEnds[row]) }

    public func message(_ row: Int) -> String { String(decoding: messageBytes[messageRange(row)], as: UTF8.self) }

    /// The items of record `row`'s attributes.
    @inline(__always)
    public func attributeRange(_ row: Int) -> Range<Int> { (row == 0 ? 0 : Int(attributeEnds[row - 1]))..<Int(attributeEnds[row]) }

    public func attributeValue(_ item: Int) -> String {
        let start = item == 0 ? 0 : Int(attributeValueEnds[item - 1])
        return String(decoding: attributeValueBytes[start..<Int(attributeValueEnds[item])], as: UTF8.self)
    }

    mutating func append(timestampMs: Int64, level: LogLevel, service: UInt32, source: UInt32, message: String, attributes: [(key: UInt32, value: String)]) {
        timestamps.append(timestampMs)
        levels.append(level.rawValue)
        services.append(service)
        sources.append(source)
        messageBytes.append(contentsOf: message.utf8)
        messageEnds.append(UInt32(messageBytes.count))
        for (key, value) in attributes {
            attributeKeys.append(key)
            attributeValueBytes.append(contentsOf: value.utf8)
            attributeValueEnds.append(UInt32(attributeValueBytes.count))
        }
        attributeEnds.append(UInt32(attributeKeys.count))
        minTimestamp = min(minTimestamp, timestampMs)
        maxTimestamp = max(maxTimestamp, timestampMs)
    }

    var memoryBytes: Int {
        timestamps.capacity * 8 + levels.capacity + (services.capacity + sources.capacity + messageEnds.capacity + attributeEnds.capacity) * 4
            + messageBytes.capacity + (attributeKeys.capacity + attributeValueEnds.capacity) * 4 + attributeValueBytes.capacity
    }
}

/// An immutable, full chunk of log records, shared by snapshots and scans without copying.
public final class SealedLogChunk: Sendable {
    public let columns: LogColumns
    package init(_ columns: LogColumns) { self.columns = columns }
}
