import Testing
@testable import Runtime
@testable import Snapshot

/// Marks through the WAL and a snapshot, and a snapshot written before marks existed.
@Suite struct MarkCodecTests {
    static let marks = [
        Mark(id: 1, title: "v2.4 ✓", description: "release notes", timestampMs: 1_793_448_000_000, category: .release, sourceRef: "abc123",
             scope: .public, metadata: #"{"build":7}"#, source: .api, creator: "ann", createdMs: 1_793_448_000_001),
        Mark(id: 2, title: "outage", description: nil, timestampMs: -5, category: .incident, sourceRef: nil, scope: .private, metadata: nil,
             source: .api, creator: "bob", createdMs: 3),
    ]

    @Test(arguments: [MarkEdit.create(marks[0]), .create(marks[1]), .delete(id: 2)])
    func markEditsRoundTripThroughTheWAL(_ edit: MarkEdit) throws {
        let mutation = Mutation.markEdit(edit)
        #expect(mutation.typeCode == 11)
        #expect(try Mutation.decoded(type: 11, payload: mutation.encodedPayload()) == mutation)
        let keyed = Mutation.idempotent(key: "k", fingerprint: 9, atMs: 1, write: mutation)
        #expect(Mutation.decode(type: 9, payload: keyed.encodedPayload()) == keyed)
    }

    @Test func aCutMarkRecordDoesNotDecode() {
        let payload = Mutation.markEdit(.create(Self.marks[0])).encodedPayload()
        for cut in 0..<payload.count { #expect(Mutation.decode(type: 11, payload: Array(payload.prefix(cut))) == nil, "cut at \(cut)") }
    }

    @Test func marksSurviveASnapshotAndAnOldSnapshotHasNone() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        for mark in Self.marks { try state.apply(.create(mark)) }
        try state.apply(.create(Mark(id: 3, title: "gone", description: nil, timestampMs: 0, category: .news, sourceRef: nil, scope: .public,
                                     metadata: nil, source: .api, creator: "ann", createdMs: 0)))
        try state.apply(MarkEdit.delete(id: 3))
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.marks == state.marks)
        #expect(restored.nextMarkID == 4)
        sections[.marks] = nil
        #expect(try TenantState(settings: state.settings, sections: sections).marks == Marks())
    }

    @Test func aDuplicateMarkIdInASnapshotIsDamage() throws {
        var w = BinaryWriter()
        w.write(Int64(5)); w.write(UInt32(2)); Self.marks[0].encode(into: &w); Self.marks[0].encode(into: &w)
        let decoded = w.bytes.withUnsafeBytes { raw -> Marks? in
            var r = BinaryReader(raw)
            return Marks.decode(from: &r)
        }
        #expect(decoded == nil)
    }
}
