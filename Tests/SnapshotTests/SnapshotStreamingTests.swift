import Foundation
import Testing
@testable import Runtime
@testable import Snapshot

/// Snapshots are written a section piece at a time; the file must be byte for byte the one the
/// whole-file encoder wrote before, so every snapshot on disk stays readable and alike.
@Suite struct SnapshotStreamingTests {
    static let header = SnapshotFile.Header(tenant: "t", sequence: 7, walPosition: 99, createdMs: SnapshotTests.now)

    /// The file as it was written before streaming: each section encoded and compressed whole.
    static func wholeFileBytes(_ state: TenantState) throws -> [UInt8] {
        var w = BinaryWriter()
        for byte in SnapshotFile.magic { w.write(byte) }
        w.write(SnapshotFile.formatVersion)
        var h = BinaryWriter()
        h.write(header.tenant); h.write(header.sequence); h.write(header.walPosition); h.write(header.createdMs)
        w.write(bytes: h.bytes); w.write(CRC32C.checksum(h.bytes))
        for section in TenantState.Section.allCases {
            let raw = state.encodedSection(section)
            let compressed = try Zstd.compress(raw)
            w.write(section.rawValue); w.write(UInt64(raw.count)); w.write(UInt64(compressed.count)); w.write(CRC32C.checksum(compressed))
            compressed.withUnsafeBytes { w.write(raw: $0) }
        }
        return w.bytes
    }

    @Test func piecesAddUpToTheSectionAndItsDeclaredSize() throws {
        let state = try SnapshotTests.generatedState(seed: 11, events: EventLog.chunkCapacity + 700)
        #expect(state.log.sealed.count == 1)
        for section in TenantState.Section.allCases {
            let pieces = state.encodedPieces(section)
            let joined = Array(pieces.pieces.joined())
            #expect(joined == state.encodedSection(section), "\(section)")
            #expect(pieces.rawSize == joined.count, "\(section)")
        }
        #expect(state.encodedPieces(.eventLog).pieces.count == 3)   // the head, the sealed chunk, the open one
    }

    @Test func streamedFileIsTheWholeFileByteForByte() throws {
        let state = try SnapshotTests.generatedState(seed: 12, events: EventLog.chunkCapacity + 300)
        let streamed = try SnapshotFile.encode(state, header: Self.header)
        #expect(streamed.bytes == (try Self.wholeFileBytes(state)))
        #expect(streamed.sections.map(\.section) == TenantState.Section.allCases)
    }

    @Test func storeStreamsToDiskAndReadsBack() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-stream-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = SnapshotStore(directory: directory)
        let state = try SnapshotTests.generatedState(seed: 13, events: 800)
        let written = try store.write(state, header: Self.header)
        let onDisk = try Data(contentsOf: directory.appendingPathComponent(SnapshotStore.fileName(sequence: 7)))
        #expect(written.bytes == onDisk.count)
        #expect(Array(onDisk) == (try Self.wholeFileBytes(state)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("tmp-") }.isEmpty)
        let loaded = try #require(store.loadNewest(settings: state.settings).loaded)
        #expect(loaded.header == Self.header)
        SnapshotTests.expectSameAnswers(state, loaded.state)
    }

    @Test func frameRefusesPiecesThatMissTheDeclaredSize() throws {
        for (declared, given) in [(10, 9), (10, 11)] {
            let frame = try ZstdFrameWriter(rawSize: declared)
            #expect(throws: Zstd.Failure.self) {
                try frame.write([UInt8](repeating: 7, count: given)) { _ in }
                try frame.finish { _ in }
            }
        }
    }

    @Test func frameFromPiecesDecompressesToTheirJoin() throws {
        let pieces: [[UInt8]] = [Array("first ".utf8), [], Array(repeating: 42, count: 300_000), Array("last".utf8)]
        let total = pieces.reduce(0) { $0 + $1.count }
        var compressed: [UInt8] = []
        let frame = try ZstdFrameWriter(rawSize: total)
        for piece in pieces { try frame.write(piece) { compressed.append(contentsOf: $0) } }
        try frame.finish { compressed.append(contentsOf: $0) }
        let restored = try compressed.withUnsafeBytes { try Zstd.decompress($0, size: total) }
        #expect(restored == Array(pieces.joined()))
    }
}
