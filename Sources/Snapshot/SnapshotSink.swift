/// Where a snapshot's bytes go as they are made. A section's compressed size and checksum are
/// known only after its data, so they are written as placeholders and filled in afterwards.
public protocol SnapshotSink {
    /// Bytes written so far.
    var offset: Int { get }
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Replaces bytes already written, leaving `offset` where it is.
    mutating func overwrite(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws
}

/// A snapshot kept in memory, for tests and tools; the server streams to disk instead.
public struct MemorySnapshotSink: SnapshotSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public var offset: Int { bytes.count }
    public mutating func write(_ other: UnsafeRawBufferPointer) { bytes.append(contentsOf: other) }
    public mutating func overwrite(_ other: UnsafeRawBufferPointer, at offset: Int) {
        bytes.replaceSubrange(offset..<(offset + other.count), with: other)
    }
}
