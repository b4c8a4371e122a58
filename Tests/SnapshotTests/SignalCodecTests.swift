import Testing
@testable import Runtime
@testable import Snapshot

/// Signals through the WAL and a snapshot, and a snapshot written before signals existed.
@Suite struct SignalCodecTests {
    static let raised = Signal(id: 3, rule: .errorSpike, subject: "page_error", title: "page_error is 4% of today's events ✓", value: 0.04,
                               baseline: 0.0125, raisedMs: 1_793_448_000_000)

    @Test(arguments: [SignalEdit.raise(raised), .clear(id: 3, atMs: 5), .dismiss(id: 3, atMs: -7), .act(id: 3, actionType: "called the CTO", atMs: 9),
                      .raise(Signal(id: 4, rule: .accountDrop, subject: "", title: "", value: -0.0, baseline: .infinity, raisedMs: 0, status: .actioned,
                                    clearedMs: 1, handledMs: 2, actionType: ""))])
    func signalEditsRoundTripThroughTheWAL(_ edit: SignalEdit) throws {
        let mutation = Mutation.signalEdit(edit)
        #expect(mutation.typeCode == 16)
        #expect(try Mutation.decoded(type: 16, payload: mutation.encodedPayload()) == mutation)
        let payload = mutation.encodedPayload()
        for cut in 0..<payload.count { #expect(Mutation.decode(type: 16, payload: Array(payload.prefix(cut))) == nil, "cut at \(cut)") }
    }

    @Test func signalsSurviveASnapshotWithWhatIsLive() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        try state.apply(SignalEdit.raise(Self.raised))
        try state.apply(SignalEdit.raise(Signal(id: 4, rule: .adoptionFell, subject: "export", title: "t", value: 1, baseline: 2, raisedMs: 3)))
        try state.apply(SignalEdit.clear(id: 4, atMs: 10))
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.signals == state.signals)
        #expect(restored.signals.liveByKey == ["error_spike:page_error": 3])
        #expect(restored.signals.nextID == 5)
        sections[.signals] = nil
        #expect(try TenantState(settings: state.settings, sections: sections).signals == Signals())
    }
}
