import Foundation
import Runtime

/// A snapshot file: a tenant's whole state, in zstd-compressed, checksummed sections.
///
///     "BCNSNAP\0" | u32 format version | u32 header length | header | u32 CRC-32C of header
///     then per section: u32 id | u64 raw bytes | u64 compressed bytes | u32 CRC-32C of compressed | compressed
///
/// The header holds the tenant id, the snapshot's sequence, the WAL position it includes and its
/// creation time. See docs/snapshot-format.md.
public struct SnapshotFile: Sendable {
    public static let magic: [UInt8] = Array("BCNSNAP".utf8) + [0]
    public static let formatVersion: UInt32 = 1

    public struct Header: Sendable, Equatable {
        public var tenant: String
        public var sequence: UInt64
        /// The last WAL record whose effect the snapshot holds.
        public var walPosition: UInt64
        public var createdMs: Int64

        public init(tenant: String, sequence: UInt64, walPosition: UInt64, createdMs: Int64) {
            self.tenant = tenant; self.sequence = sequence; self.walPosition = walPosition; self.createdMs = createdMs
        }
    }

    public struct SectionInfo: Sendable, Equatable {
        public var section: TenantState.Section
        public var rawBytes: Int
        public var compressedBytes: Int
    }

    public struct Damage: Error, CustomStringConvertible {
        public var file: String
        public var reason: String
        public var description: String { "snapshot \(file) is damaged: \(reason)" }
    }

    /// Encodes, compresses and writes `state` to `sink` a section at a time, and the event log a
    /// chunk at a time: besides the state, one piece of a section and zstd's buffers are held,
    /// never the file. Runs off the actor, on a copy.
    public static func write(_ state: TenantState, header: Header, to sink: inout some SnapshotSink) throws -> [SectionInfo] {
        var w = BinaryWriter()
        for byte in magic { w.write(byte) }
        w.write(formatVersion)
        var h = BinaryWriter()
        h.write(header.tenant); h.write(header.sequence); h.write(header.walPosition); h.write(header.createdMs)
        w.write(bytes: h.bytes)
        w.write(CRC32C.checksum(h.bytes))
        try w.bytes.withUnsafeBytes { try sink.write($0) }
        return try TenantState.Section.allCases.map { try writeSection($0, of: state, to: &sink) }
    }

    /// One section: its table entry with the compressed size and checksum as zeros, the bytes as
    /// zstd makes them, then the entry filled in.
    private static func writeSection(_ section: TenantState.Section, of state: TenantState, to sink: inout some SnapshotSink) throws -> SectionInfo {
        let pieces = state.encodedPieces(section)
        let entry = sink.offset
        var w = BinaryWriter()
        w.write(section.rawValue); w.write(UInt64(pieces.rawSize)); w.write(UInt64(0)); w.write(UInt32(0))
        try w.bytes.withUnsafeBytes { try sink.write($0) }
        let start = sink.offset
        var crc: UInt32 = 0
        func emit(_ bytes: UnsafeRawBufferPointer) throws {
            crc = CRC32C.checksum(bytes, seed: crc)
            try sink.write(bytes)
        }
        let frame = try ZstdFrameWriter(rawSize: pieces.rawSize)
        for piece in pieces.pieces { try frame.write(piece, to: emit) }
        try frame.finish(to: emit)
        let compressed = sink.offset - start
        var filled = BinaryWriter()
        filled.write(UInt64(compressed)); filled.write(crc)
        try filled.bytes.withUnsafeBytes { try sink.overwrite($0, at: entry + 12) }
        return SectionInfo(section: section, rawBytes: pieces.rawSize, compressedBytes: compressed)
    }

    /// The whole file in memory (tests and tools; the server streams to disk with `SnapshotStore.write`).
    public static func encode(_ state: TenantState, header: Header) throws -> (bytes: [UInt8], sections: [SectionInfo]) {
        var sink = MemorySnapshotSink()
        let sections = try write(state, header: header, to: &sink)
        return (sink.bytes, sections)
    }

    /// Reads the header and checks every section's checksum; decompresses only when `decode`.
    public static func read(_ data: Data, name: String, settings: TenantSettings?, decode: Bool)
        throws -> (header: Header, sections: [SectionInfo], state: TenantState?) {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var r = BinaryReader(raw)
            for byte in magic { guard r.read(UInt8.self) == byte else { throw Damage(file: name, reason: "not a Beacon snapshot (bad magic)") } }
            guard let version = r.read(UInt32.self) else { throw Damage(file: name, reason: "cut short") }
            guard version == formatVersion else { throw Damage(file: name, reason: "format version \(version) is not one this build reads (\(formatVersion))") }
            guard let headerBytes = r.readBytes(), let headerCRC = r.read(UInt32.self) else { throw Damage(file: name, reason: "header cut short") }
            guard CRC32C.checksum(headerBytes) == headerCRC else { throw Damage(file: name, reason: "header checksum mismatch") }
            var h = BinaryReader(headerBytes)
            guard let tenant = h.readString(), let sequence = h.read(UInt64.self), let position = h.read(UInt64.self),
                  let created = h.read(Int64.self) else { throw Damage(file: name, reason: "header does not decode") }
            let header = Header(tenant: tenant, sequence: sequence, walPosition: position, createdMs: created)
            var infos: [SectionInfo] = []
            var decoded: [TenantState.Section: [UInt8]] = [:]
            while r.remaining > 0 {
                guard let id = r.read(UInt32.self), let rawSize = r.read(UInt64.self), let size = r.read(UInt64.self),
                      let crc = r.read(UInt32.self), let compressed = r.readRaw(count: Int(clamping: size)) else {
                    throw Damage(file: name, reason: "section table cut short")
                }
                guard let section = TenantState.Section(rawValue: id) else { throw Damage(file: name, reason: "unknown section \(id)") }
                guard CRC32C.checksum(compressed) == crc else { throw Damage(file: name, reason: "section \(section.name) checksum mismatch") }
                // The raw size lies outside the checksum; the size the checksummed frame declares must agree before anything is allocated.
                guard rawSize <= UInt64(Zstd.maxDecompressedSize), Zstd.declaredSize(compressed) == rawSize else {
                    throw Damage(file: name, reason: "section \(section.name): raw size \(rawSize) disagrees with its compressed bytes")
                }
                infos.append(SectionInfo(section: section, rawBytes: Int(clamping: rawSize), compressedBytes: Int(clamping: size)))
                if decode {
                    do { decoded[section] = try Zstd.decompress(compressed, size: Int(rawSize)) } catch {
                        throw Damage(file: name, reason: "section \(section.name): \(error)")
                    }
                }
            }
            guard Set(TenantState.Section.required).isSubset(of: Set(infos.map(\.section))) else { throw Damage(file: name, reason: "sections missing") }
            guard decode, let settings else { return (header, infos, nil) }
            guard tenant == settings.id else { throw Damage(file: name, reason: "belongs to tenant '\(tenant)', not '\(settings.id)'") }
            do { return (header, infos, try TenantState(settings: settings, sections: decoded)) } catch {
                throw Damage(file: name, reason: "\(error)")
            }
        }
    }
}
