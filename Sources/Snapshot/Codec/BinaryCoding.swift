import Runtime

/// Little-endian writing and bounds-checked reading of the WAL's and snapshots' fields.
/// Reads that find too few bytes return nil; they never trap.
public struct BinaryWriter {
    public private(set) var bytes: [UInt8] = []
    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func write(bytes other: some Collection<UInt8>) {
        write(UInt32(other.count)); bytes.append(contentsOf: other)
    }
    public mutating func write(_ text: String) { write(bytes: Array(text.utf8)) }
    public mutating func write(raw other: UnsafeRawBufferPointer) { bytes.append(contentsOf: other) }
}

public struct BinaryReader {
    let bytes: UnsafeRawBufferPointer
    public internal(set) var offset = 0
    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public var remaining: Int { bytes.count - offset }

    public mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) -> T? {
        guard remaining >= MemoryLayout<T>.size else { return nil }
        defer { offset += MemoryLayout<T>.size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// A length-prefixed run of bytes.
    public mutating func readBytes() -> UnsafeRawBufferPointer? {
        guard let count = read(UInt32.self), remaining >= Int(count) else { return nil }
        defer { offset += Int(count) }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Int(count))])
    }

    /// The next `count` bytes, without a length prefix.
    public mutating func readRaw(count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, remaining >= count else { return nil }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    public mutating func readString() -> String? {
        readBytes().map { String(decoding: $0, as: UTF8.self) }
    }
}

extension BinaryWriter {
    /// A count, then the elements' little-endian bytes in one copy.
    public mutating func write<T: FixedWidthInteger>(array: [T]) {
        write(UInt64(array.count))
        #if _endian(little)
        array.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for value in array { write(value) }
        #endif
    }
}

extension BinaryReader {
    /// A `u64` count or total that must fit an `Int`; nil (damage) when it does not.
    public mutating func readCount() -> Int? {
        read(UInt64.self).flatMap { Int(exactly: $0) }
    }

    /// An array of `u64` counts that must each fit an `Int`.
    public mutating func readCounts() -> [Int]? {
        guard let values = readArray(UInt64.self), values.allSatisfy({ $0 <= UInt64(Int.max) }) else { return nil }
        return values.map { Int($0) }
    }

    public mutating func readArray<T: FixedWidthInteger>(_: T.Type = T.self) -> [T]? {
        guard let count = read(UInt64.self), count <= UInt64(remaining / MemoryLayout<T>.size) else { return nil }
        let n = Int(count)
        let result = [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            let source = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n * MemoryLayout<T>.size)])
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            initialized = n
        }
        offset += n * MemoryLayout<T>.size
        #if _endian(little)
        return result
        #else
        return result.map { T(littleEndian: $0) }
        #endif
    }
}

/// Byte planes: an array of integers stored as all first bytes, then all second bytes, and so on.
/// Small and similar numbers leave whole planes of zeros, which zstd shrinks to almost nothing.
extension BinaryWriter {
    public mutating func write<T: FixedWidthInteger>(shuffled array: [T]) {
        let width = MemoryLayout<T>.size
        write(UInt64(array.count))
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: array.count * width))
        bytes.withUnsafeMutableBufferPointer { out in
            array.withUnsafeBytes { raw in
                for plane in 0..<width {
                    let base = start + plane * array.count
                    for i in 0..<array.count { out[base + i] = raw[i * width + plane] }
                }
            }
        }
    }
}

extension BinaryReader {
    public mutating func readShuffled<T: FixedWidthInteger>(_: T.Type = T.self) -> [T]? {
        let width = MemoryLayout<T>.size
        guard let count = read(UInt64.self), count <= UInt64(remaining / width) else { return nil }
        let n = Int(count)
        let planes = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n * width)])
        offset += n * width
        return [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            let out = UnsafeMutableRawBufferPointer(buffer)
            for plane in 0..<width {
                let base = plane * n
                for i in 0..<n { out[i * width + plane] = planes[base + i] }
            }
            initialized = n
        }
    }
}
