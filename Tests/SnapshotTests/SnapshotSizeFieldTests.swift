import Foundation
import Testing
import TestSupport
@testable import Runtime
@testable import Snapshot

/// Sizes read from a snapshot lie partly outside its checksums; a wrong one is damage (and
/// recovery falls back to the snapshot before), never a huge allocation or a trap.
@Suite struct SnapshotSizeFieldTests {
    static let state = try! SnapshotTests.generatedState(seed: 11, events: 300)

    static func encoded(sequence: UInt64 = 1) throws -> [UInt8] {
        try SnapshotFile.encode(state, header: .init(tenant: "t", sequence: sequence, walPosition: sequence, createdMs: 0)).bytes
    }

    /// Where the first section's entry starts: after magic, version, header length, header, header CRC.
    static func firstSectionOffset(_ bytes: [UInt8]) -> Int {
        let headerLength = bytes[12..<16].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return 16 + headerLength + 4
    }

    static func overwrite(_ bytes: inout [UInt8], at offset: Int, with value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { for (i, byte) in $0.enumerated() { bytes[offset + i] = byte } }
    }

    @Test(arguments: [UInt64(1) << 36 + 1, 1 << 40, UInt64.max, 0, 17])
    func aWrongRawSizeIsDamage(rawSize: UInt64) throws {
        var bytes = try Self.encoded()
        Self.overwrite(&bytes, at: Self.firstSectionOffset(bytes) + 4, with: rawSize)
        for decode in [true, false] {
            let damage = try #require(throws: SnapshotFile.Damage.self) {
                try SnapshotFile.read(Data(bytes), name: "x", settings: Self.state.settings, decode: decode)
            }
            #expect(damage.reason.contains("raw size"))
        }
    }

    @Test(arguments: [UInt64(1) << 40, UInt64.max, 3])
    func aWrongCompressedSizeIsDamage(compressedSize: UInt64) throws {
        var bytes = try Self.encoded()
        Self.overwrite(&bytes, at: Self.firstSectionOffset(bytes) + 12, with: compressedSize)
        #expect(throws: SnapshotFile.Damage.self) { try SnapshotFile.read(Data(bytes), name: "x", settings: Self.state.settings, decode: true) }
    }

    @Test func aWrongHeaderLengthIsDamage() throws {
        var bytes = try Self.encoded()
        bytes[15] = 0x7F
        #expect(throws: SnapshotFile.Damage.self) { try SnapshotFile.read(Data(bytes), name: "x", settings: Self.state.settings, decode: true) }
    }

    @Test func loadingFallsBackPastAHugeRawSize() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-sizes-\(UUID().uuidString)")
        let store = SnapshotStore(directory: directory, keep: 3)
        for sequence in [1, 2] as [UInt64] { try store.write(try Self.encoded(sequence: sequence), sequence: sequence) }
        let newest = directory.appendingPathComponent(SnapshotStore.fileName(sequence: 2))
        var bytes = try [UInt8](Data(contentsOf: newest))
        Self.overwrite(&bytes, at: Self.firstSectionOffset(bytes) + 4, with: 64 << 30)
        try Data(bytes).write(to: newest)
        let (loaded, skipped) = store.loadNewest(settings: Self.state.settings)
        #expect(loaded?.header.sequence == 1)
        #expect(skipped.map(\.file) == [SnapshotStore.fileName(sequence: 2)])
    }

    @Test func aPackedBodyWhoseSizeDisagreesWithItsFrameIsRefusedBeforeAllocating() throws {
        let packed = try PackedBody.pack(Array(#"{"event_type":"a","user_email":"u@x.com"}"#.utf8))
        for size in [packed.rawSize + 1, 1 << 31, Int(UInt32.max)] {
            #expect(throws: Zstd.Failure.self) { try PackedBody(rawSize: size, compressed: packed.compressed).unpacked() }
        }
        #expect(try packed.unpacked().count == packed.rawSize)
    }
}
