import Testing
@testable import Runtime
@testable import Snapshot

/// Pages, features and groups: their WAL edits (type 23) and snapshot section 33, and the
/// store's refusals.
@Suite struct TaggingCodecTests {
    static let page = Tagging.Page(id: "billing", name: "Billing ✓", rules: [try! PageRule("//*/billing/**"), try! PageRule("/pay?step=*")], createdMs: 5, updatedMs: 6)
    static let feature = Tagging.Feature(id: "7", name: "Buy", eventTypes: ["click"], selectors: [try! ElementSelector("#checkout > button.buy")], text: "Buy*",
                                         properties: ["plan": "pro", "a": ""], pageID: "billing", createdMs: 1, updatedMs: 2)
    static let group = Tagging.Group(id: "money", name: "Money", type: .group, description: "all about it", color: "#0a0",
                                     items: [.init(type: .page, id: "billing"), .init(type: .feature, id: "7")], createdMs: 3, updatedMs: 4)

    @Test(arguments: [TaggingEdit.definePage(page), .defineFeature(feature), .defineGroup(group), .remove(.feature, id: "7"),
                      .defineFeature(Tagging.Feature(id: "x", name: "x", eventTypes: [], selectors: [], text: nil, properties: ["k": "v"], pageID: nil, createdMs: 0, updatedMs: 0))])
    func editsRoundTripAndACutRecordIsRefused(_ edit: TaggingEdit) throws {
        let mutation = Mutation.taggingEdit(edit)
        let payload = mutation.encodedPayload()
        #expect(try Mutation.decoded(type: 23, payload: payload) == mutation)
        for cut in 0..<payload.count { #expect(Mutation.decode(type: 23, payload: Array(payload.prefix(cut))) == nil, "cut at \(cut)") }
    }

    @Test func theStoreSurvivesASnapshotAndRefusesWhatWouldDangle() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        #expect(state.refusal(of: .defineFeature(Self.feature)) == .unknownReference(field: "pageId", id: "billing"))
        #expect(state.refusal(of: .defineGroup(Self.group)) == .unknownReference(field: "items[0]", id: "billing"))
        try state.apply(TaggingEdit.definePage(Self.page))
        try state.apply(TaggingEdit.defineFeature(Self.feature))
        try state.apply(TaggingEdit.defineGroup(Self.group))
        #expect(state.tagging.nextID == 8, "generated ids stay clear of a decimal id a client chose")
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.tagging == state.tagging && restored.tagging.pages["billing"]?.matches(path: "/Billing/x") == true)
        sections[.tagging] = nil
        #expect(try TenantState(settings: state.settings, sections: sections).tagging == Tagging())

        #expect(state.refusal(of: .remove(.page, id: "billing")) == .pageInUse(page: "billing", feature: "7"))
        #expect(state.refusal(of: .remove(.group, id: "nope")) == .unknown(.group, id: "nope"))
        var wrong = Self.group
        wrong.items = [.init(type: .guide, id: "1")]
        #expect(state.refusal(of: .defineGroup(wrong)) == .wrongItemType(field: "items[0]", reason: "a product area holds pages and features, not guides"))
        // Replacing keeps when it was created; removing a feature takes it out of its groups.
        var renamed = Self.page
        renamed.name = "Pay"; renamed.createdMs = 99
        try state.apply(TaggingEdit.definePage(renamed))
        #expect(state.tagging.pages["billing"]?.createdMs == 5 && state.tagging.pages["billing"]?.name == "Pay")
        try state.apply(TaggingEdit.remove(.feature, id: "7"))
        #expect(state.tagging.groups["money"]?.items == [.init(type: .page, id: "billing")])
    }
}
