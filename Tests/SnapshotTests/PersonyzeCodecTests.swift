import Testing
@testable import Runtime
@testable import Snapshot

/// The Personyze API's edits (WAL type 24) and tables (snapshot section 34): round trips, cut
/// records refused, replay giving the same state, and the store's refusals.
@Suite struct PersonyzeCodecTests {
    static let rows = PersonyzeEdit.putRows(.products, [.init(id: 7, values: ["internal_id": .text("SKU-1 ✓"), "price": .double(129.99), "n": .int(-3), "gone": RowValue?.none])], nowMs: 1_790_000_000_000)
    static let users = PersonyzeEdit.users(.init(
        events: [EventInput(eventType: "identify", user: "acct-987", timestampMs: 1_789_999_000_000), EventInput(eventType: "product_viewed", user: "acct-987", timestampMs: 1_789_999_000_001, properties: [.init("product_id", "SKU-1")])],
        profiles: [.init(user: "acct-987", changes: [.init("first_name", "Alice"), .init("old", nil)])],
        lists: [.create(id: 3, name: "VIPs", folder: nil, isStatic: false, rules: [.visitorList([])], nowMs: 5),
                .editVisitors(id: 3, replacing: nil, adding: ["acct-987"], removing: [], nowMs: 6)],
        nowMs: 1_790_000_000_000))

    @Test(arguments: [rows, .deleteRows(.placeholders, ids: [1, 2, 99]), users, .users(.init(nowMs: 1))])
    func editsRoundTripAndACutRecordIsRefused(_ edit: PersonyzeEdit) throws {
        let mutation = Mutation.personyzeEdit(edit)
        let payload = mutation.encodedPayload()
        #expect(try Mutation.decoded(type: 24, payload: payload) == mutation)
        for cut in 0..<payload.count { #expect(Mutation.decode(type: 24, payload: Array(payload.prefix(cut))) == nil, "cut at \(cut)") }
    }

    @Test func tablesSurviveASnapshotAndUsersWritesApplyWhole() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        try state.apply(Self.rows)
        try state.apply(Self.users)
        try state.apply(PersonyzeEdit.putRows(.placeholders, [.init(id: 1, values: ["name": .text("Hero")])], nowMs: 2))
        #expect(state.personyze[.products].byInternalID["SKU-1 ✓"] == 7 && state.personyze[.products].rows[7]?["gone"] == nil)
        #expect(state.personyze[.products].rows[7]?["data_last_modified"] == .int(1_790_000_000))
        #expect(state.segments.byID[3]?.visitorList == ["acct-987"] && state.segments.byID[3]?.members.count == 1)
        #expect(state.profiles.user(UInt32(PersonyzeUsers(state).id(ofInternalID: "acct-987")!)).properties == ["first_name": "Alice"])
        #expect(state.productStats.products.count == 1)
        let sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.personyze == state.personyze)
        #expect(restored.productStats.products.count == 1, "the product counters are worked out again on load")

        // Refusals leave the state as it was.
        #expect(state.refusal(of: .deleteRows(.products, ids: [8])) == .unknownRow(.products, id: 8))
        #expect(state.refusal(of: .putRows(.products, [.init(id: 8, values: ["internal_id": .text("SKU-1 ✓")])], nowMs: 3)) == .duplicateInternalID(.products, "SKU-1 ✓"))
        #expect(state.refusal(of: .users(.init(profiles: [.init(user: "nobody", changes: [.init("a", "b")])], nowMs: 3))) == .unknownUser("nobody"))
        let tooWide = Dictionary(uniqueKeysWithValues: (0...PersonyzeTables.maxColumns).map { ("c\($0)", RowValue?.some(.int(1))) })
        #expect(state.refusal(of: .putRows(.articles, [.init(id: 1, values: tooWide)], nowMs: 3)) == .tooManyColumns(limit: PersonyzeTables.maxColumns))
        if case .invalidEvent? = state.refusal(of: .users(.init(events: [EventInput(eventType: "", user: "u", timestampMs: 1_789_999_000_000)], nowMs: 3))) {} else {
            Issue.record("an invalid event is refused")
        }
    }
}
