import Runtime
/// The WAL record frame:
///
///     u32 payload length | u8 type | u64 sequence | u32 CRC-32C of (type, sequence, payload) | payload
///
/// all little-endian. A segment file `wal-<first sequence, 20 digits>.log` starts with an
/// 8-byte segment header ("BWAL", u16 format version, u16 reserved) and holds consecutive
/// records; segments written before the header existed start with their first record. See
/// docs/wal-format.md.
public enum WALFormat {
    public static let headerSize = 17
    /// Records larger than this are refused on write and taken for damage on read.
    public static let maxPayload = 64 << 20

    public static let segmentMagic: [UInt8] = Array("BWAL".utf8)
    public static let segmentVersion: UInt16 = 1
    public static let segmentHeaderSize = 8

    /// The header a new segment starts with.
    static var segmentHeader: [UInt8] {
        var writer = BinaryWriter(capacity: segmentHeaderSize)
        for byte in segmentMagic { writer.write(byte) }
        writer.write(segmentVersion)
        writer.write(UInt16(0))
        return writer.bytes
    }

    public static func segmentName(firstSequence: UInt64) -> String {
        let digits = String(firstSequence)
        return "wal-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".log"
    }

    public static func firstSequence(ofSegment name: String) -> UInt64? {
        guard name.hasPrefix("wal-"), name.hasSuffix(".log") else { return nil }
        return UInt64(name.dropFirst(4).dropLast(4))
    }

    static func checksum(type: UInt8, sequence: UInt64, payload: UnsafeRawBufferPointer) -> UInt32 {
        var head: [UInt8] = [type]
        withUnsafeBytes(of: sequence.littleEndian) { head.append(contentsOf: $0) }
        let seed = head.withUnsafeBytes { CRC32C.checksum($0) }
        return CRC32C.checksum(payload, seed: seed)
    }

    static func frame(type: UInt8, sequence: UInt64, payload: [UInt8]) -> [UInt8] {
        var writer = BinaryWriter(capacity: headerSize + payload.count)
        writer.write(UInt32(payload.count))
        writer.write(type)
        writer.write(sequence)
        writer.write(payload.withUnsafeBytes { checksum(type: type, sequence: sequence, payload: $0) })
        var bytes = writer.bytes
        bytes.append(contentsOf: payload)
        return bytes
    }
}
