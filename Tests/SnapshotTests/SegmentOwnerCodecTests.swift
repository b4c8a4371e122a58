import Testing
@testable import Runtime
@testable import Snapshot

/// Segment owners and descriptions in the WAL (edit kinds 5 and 6) and in snapshots (section
/// segmentDetails), and records and snapshots written before they were kept.
@Suite struct SegmentOwnerCodecTests {
    static let rules: [SegmentRule] = [.userProperty(PropertyFilter(property: "plan", op: .eq, values: ["pro"]))]

    @Test(arguments: [
        SegmentEdit.create(id: 3, name: "pro", folder: nil, isStatic: false, rules: rules, nowMs: 5, owner: "eddie", description: "paying ✓"),
        .create(id: 3, name: "pro", folder: "f", isStatic: true, rules: rules, nowMs: 5, owner: "eddie"),
        .create(id: 3, name: "pro", folder: nil, isStatic: false, rules: rules, nowMs: 5, description: "no owner"),
        .update(id: 3, name: nil, folder: nil, rules: nil, nowMs: 6, description: .some("new")),
        .update(id: 3, name: "n", folder: .some(nil), rules: rules, nowMs: 6, description: .some(nil)),
        .create(id: 4, name: "list", folder: nil, isStatic: false, rules: [.visitorList(["b@x", "a@x", "ünï"])], nowMs: 7),
        .editVisitors(id: 4, replacing: nil, adding: ["c@x"], removing: ["a@x", "zz"], nowMs: 8),
        .editVisitors(id: 4, replacing: ["q", "r"], adding: [], removing: [], nowMs: 9),
    ])
    func editsWithOwnersRoundTrip(_ edit: SegmentEdit) throws {
        let mutation = Mutation.segmentEdit(edit)
        #expect(try Mutation.decoded(type: 6, payload: mutation.encodedPayload()) == mutation)
        let payload = mutation.encodedPayload()
        for cut in 0..<payload.count { #expect(Mutation.decode(type: 6, payload: Array(payload.prefix(cut))) == nil, "cut at \(cut)") }
    }

    /// The bytes an older build wrote for a create (kind 1) and an update (kind 2) read as before.
    @Test func editsWrittenBeforeOwnersReadWithoutOne() throws {
        var w = BinaryWriter()
        w.write(UInt8(1)); w.write(Int64(4)); w.write("old"); w.write(UInt8(0)); w.write(""); w.write(UInt8(0))
        SegmentRule.encode(Self.rules, into: &w); w.write(Int64(9))
        #expect(try Mutation.decoded(type: 6, payload: w.bytes) == .segmentEdit(.create(id: 4, name: "old", folder: nil, isStatic: false, rules: Self.rules, nowMs: 9)))
        let plain = SegmentEdit.create(id: 4, name: "old", folder: nil, isStatic: false, rules: Self.rules, nowMs: 9)
        #expect(Mutation.segmentEdit(plain).encodedPayload() == w.bytes, "an edit without owner is still written as kind 1")
        var u = BinaryWriter()
        u.write(UInt8(2)); u.write(Int64(4)); u.write(UInt8(1)); u.write("new"); u.write(UInt8(0)); u.write(UInt8(0)); u.write("")
        u.write(UInt8(0)); SegmentRule.encode([SegmentRule](), into: &u); u.write(Int64(10))
        #expect(try Mutation.decoded(type: 6, payload: u.bytes) == .segmentEdit(.update(id: 4, name: "new", folder: nil, rules: nil, nowMs: 10)))
    }

    @Test func ownersSurviveASnapshotAndAnOlderSnapshotHasNone() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        try state.apply(.create(id: 1, name: "a", folder: nil, isStatic: false, rules: Self.rules, nowMs: 5, owner: "eddie", description: "d"))
        try state.apply(.create(id: 2, name: "b", folder: nil, isStatic: false, rules: Self.rules, nowMs: 5))
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.segments.byID[1]?.owner == "eddie" && restored.segments.byID[1]?.description == "d")
        #expect(restored.segments.byID[2]?.owner == nil)
        sections[.segmentDetails] = nil
        let older = try TenantState(settings: state.settings, sections: sections)
        #expect(older.segments.byID[1]?.owner == nil && older.segments.byID[1]?.name == "a")
    }

    @Test func aVisitorListSurvivesASnapshot() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        _ = try state.ingest([EventInput(eventType: "a", user: "ann", timestampMs: 1_793_440_000_000)], nowMs: 1_793_440_000_000, anonymousID: "g")
        try state.apply(.create(id: 1, name: "list", folder: nil, isStatic: false, rules: [.visitorList(["ann", "bob"])], nowMs: 5))
        try state.apply(.editVisitors(id: 1, replacing: nil, adding: ["cy"], removing: ["bob"], nowMs: 6))
        let sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.segments.byID[1]?.visitorList == ["ann", "cy"])
        #expect(restored.segments.byID[1]?.members == state.segments.byID[1]?.members && state.segments.byID[1]?.members.count == 1)
    }

    @Test func detailsOfASegmentTheSnapshotDoesNotHoldAreDamage() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        try state.apply(.create(id: 1, name: "a", folder: nil, isStatic: false, rules: Self.rules, nowMs: 5, owner: "eddie"))
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        sections[.segments] = TenantState(settings: state.settings).encodedSection(.segments)
        #expect(throws: TenantState.DecodingError.self) { _ = try TenantState(settings: state.settings, sections: sections) }
    }
}
