import Foundation
import Runtime

/// Reads a tenant's WAL segments in order, verifying every record's checksum.
public enum WALReader {
    public struct Record {
        public var type: UInt8
        public var sequence: UInt64
        public var payload: [UInt8]
    }

    /// What a scan found besides good records.
    public struct Report: Sendable, Equatable {
        public var records = 0
        public var bytes = 0
        public var lastSequence: UInt64 = 0
        /// A torn last record (a crash mid-write), dropped: segment and offset where it began.
        public var tornTail: (segment: String, offset: Int)?
        public static func == (a: Report, b: Report) -> Bool {
            a.records == b.records && a.bytes == b.bytes && a.lastSequence == b.lastSequence
                && a.tornTail?.segment == b.tornTail?.segment && a.tornTail?.offset == b.tornTail?.offset
        }
    }

    public struct Corruption: Error, CustomStringConvertible {
        public var segment: String
        public var offset: Int
        public var reason: String
        public var description: String { "WAL segment \(segment) is damaged at byte \(offset): \(reason)" }
    }

    /// A segment written in a format version this build does not read (a newer build wrote it).
    public struct UnsupportedVersion: Error, CustomStringConvertible {
        public var segment: String
        public var version: UInt16
        public var description: String {
            "WAL segment \(segment) has format version \(version); this build reads version \(WALFormat.segmentVersion) and older"
        }
    }

    /// Where a segment's records start: after its header, or at 0 in a segment written before
    /// headers existed (its first bytes are a record length, never "BWAL", which as a length
    /// would exceed `WALFormat.maxPayload`). nil: a header cut short, as a crash leaves it.
    static func firstRecordOffset(_ bytes: UnsafeRawBufferPointer, segment: String) throws -> Int? {
        let magic = WALFormat.segmentMagic
        let prefix = min(bytes.count, magic.count)
        guard prefix > 0, bytes.prefix(prefix).elementsEqual(magic.prefix(prefix)) else { return 0 }
        guard bytes.count >= WALFormat.segmentHeaderSize else { return nil }
        var header = BinaryReader(UnsafeRawBufferPointer(rebasing: bytes[magic.count..<WALFormat.segmentHeaderSize]))
        let version = header.read(UInt16.self)!
        guard version == WALFormat.segmentVersion else { throw UnsupportedVersion(segment: segment, version: version) }
        return WALFormat.segmentHeaderSize
    }

    /// Segment file names in `directory`, oldest first.
    public static func segments(in directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name in WALFormat.firstSequence(ofSegment: name).map { (name, $0) } }
            .sorted { $0.1 < $1.1 }.map(\.0)
    }

    /// Calls `body` with every record after `afterSequence`, in order.
    /// A damaged record at the very end of the last segment is a torn write: it is reported and
    /// cut off (with `truncateTornTail`). Damage anywhere else throws `Corruption`, unless `force`,
    /// which stops the scan there and reports it as the torn tail.
    @discardableResult
    public static func scan(_ directory: URL, afterSequence: UInt64 = 0, force: Bool = false, truncateTornTail: Bool = true,
                            _ body: (Record) throws -> Void) throws -> Report {
        var report = Report()
        let names = segments(in: directory)
        for (index, name) in names.enumerated() {
            let url = directory.appendingPathComponent(name)
            let data = try Data(contentsOf: url, options: .alwaysMapped)
            let isLast = index == names.count - 1
            var offset = 0
            var damage: (offset: Int, reason: String)?
            try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                guard let start = try firstRecordOffset(bytes, segment: name) else { damage = (0, "segment header cut short"); return }
                offset = start
                while offset < bytes.count {
                    guard bytes.count - offset >= WALFormat.headerSize else { damage = (offset, "incomplete record header"); return }
                    var header = BinaryReader(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + WALFormat.headerSize)]))
                    let length = Int(header.read(UInt32.self)!), type = header.read(UInt8.self)!
                    let sequence = header.read(UInt64.self)!, crc = header.read(UInt32.self)!
                    guard length <= WALFormat.maxPayload else { damage = (offset, "record length \(length) is implausible"); return }
                    let start = offset + WALFormat.headerSize
                    guard bytes.count - start >= length else { damage = (offset, "record cut short"); return }
                    let payload = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)])
                    guard WALFormat.checksum(type: type, sequence: sequence, payload: payload) == crc else {
                        damage = (offset, "checksum mismatch"); return
                    }
                    if sequence > afterSequence { try body(Record(type: type, sequence: sequence, payload: Array(payload))) }
                    report.records += 1
                    report.bytes += WALFormat.headerSize + length
                    report.lastSequence = max(report.lastSequence, sequence)
                    offset = start + length
                }
            }
            if let damage {
                // Only the end of the log can be torn by a crash; anything else is real damage.
                let atEnd = isLast && tailIsTorn(data: data, from: damage.offset)
                guard atEnd || force else { throw Corruption(segment: name, offset: damage.offset, reason: damage.reason) }
                report.tornTail = (name, damage.offset)
                if truncateTornTail { truncate(url, to: damage.offset) }
                if !atEnd { break }
            }
        }
        return report
    }

    /// A torn write leaves one incomplete or garbled record at the end: no complete, valid record
    /// follows the damage.
    static func tailIsTorn(data: Data, from offset: Int) -> Bool {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var probe = offset + 1
            while probe + WALFormat.headerSize <= bytes.count {
                var header = BinaryReader(UnsafeRawBufferPointer(rebasing: bytes[probe..<(probe + WALFormat.headerSize)]))
                let length = Int(header.read(UInt32.self)!), type = header.read(UInt8.self)!
                let sequence = header.read(UInt64.self)!, crc = header.read(UInt32.self)!
                let start = probe + WALFormat.headerSize
                if length <= WALFormat.maxPayload, bytes.count - start >= length,
                   WALFormat.checksum(type: type, sequence: sequence, payload: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)])) == crc {
                    return false
                }
                probe += 1
            }
            return true
        }
    }

    static func truncate(_ url: URL, to length: Int) {
        if let handle = try? FileHandle(forWritingTo: url) {
            try? handle.truncate(atOffset: UInt64(length))
            try? handle.synchronize()
            try? handle.close()
        }
    }
}
