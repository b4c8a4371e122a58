import Testing
@testable import Runtime
@testable import Snapshot

/// Signals through the WAL and a snapshot, and a snapshot written before signals existed.
@Suite struct SignalCodecTests {
    static let raised = Signal(id: 3, rule: .errorSpike, subject: "page_error", title: "page_error is 4% of today's events ✓", value: 0.04,
                               baseline: 0.0125, raisedMs: 1_793_448_000_000)

    static let action = ImpactAction(id: 2, source: .signal, sourceRef: "3", actionType: "called the CTO", member: "ann",
                                     metric: ImpactMetric(rule: .errorSpike, subject: "page_error"), baseline: 0.04, createdMs: 9)
    static let decided = ImpactAction(id: 5, source: .signal, sourceRef: "", actionType: "", member: "", metric: ImpactMetric(rule: .journeyDropOff, subject: "1:2"),
                                      baseline: -.infinity, windowDays: 0, createdMs: -1, outcome: .unresolved, outcomeValue: 0.5, outcomeMs: 3, manual: true)

    @Test(arguments: [SignalEdit.raise(raised), .clear(id: 3, atMs: 5), .dismiss(id: 3, atMs: -7), .act(id: 3, actionType: "called the CTO", atMs: 9, impact: action),
                      .raise(Signal(id: 4, rule: .accountDrop, subject: "", title: "", value: -0.0, baseline: .infinity, raisedMs: 0, status: .actioned,
                                    clearedMs: 1, handledMs: 2, actionType: ""))])
    func signalEditsRoundTripThroughTheWAL(_ edit: SignalEdit) throws {
        try expectRoundTrip(.signalEdit(edit), type: 16)
    }

    @Test(arguments: [ImpactEdit.outcome(id: 1, resolved: true, value: 2.5, atMs: 9, manual: false), .outcome(id: 9, resolved: false, value: nil, atMs: -1, manual: true)])
    func impactEditsRoundTripThroughTheWAL(_ edit: ImpactEdit) throws {
        try expectRoundTrip(.impactEdit(edit), type: 17)
    }

    @Test func signalsSurviveASnapshotWithWhatIsLive() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        try state.apply(SignalEdit.raise(Self.raised))
        try state.apply(SignalEdit.raise(Signal(id: 4, rule: .adoptionFell, subject: "export", title: "t", value: 1, baseline: 2, raisedMs: 3)))
        try state.apply(SignalEdit.clear(id: 4, atMs: 10))
        try state.apply(SignalEdit.act(id: 3, actionType: "called the CTO", atMs: 9, impact: Self.action))
        try state.apply(SignalEdit.raise(Signal(id: 6, rule: .journeyDropOff, subject: "1:2", title: "t", value: 1, baseline: 2, raisedMs: 3)))
        try state.apply(SignalEdit.act(id: 6, actionType: "", atMs: -1, impact: Self.decided))
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.signals == state.signals)
        #expect(restored.signals.liveByKey == ["error_spike:page_error": 3, "journey_drop_off:1:2": 6])
        #expect(restored.signals.nextID == 7)
        #expect(restored.impact == state.impact && restored.impact.byID.count == 2 && restored.impact.nextID == 6)
        sections[.signals] = nil
        sections[.impact] = nil
        let old = try TenantState(settings: state.settings, sections: sections)
        #expect(old.signals == Signals() && old.impact == ImpactActions())
    }
}

/// Discoveries through the WAL and a snapshot.
@Suite struct DiscoveryCodecTests {
    static let success = SuccessEvent(id: 1, eventType: "purchase ✓", windowDays: 30, behaviourDays: 7, createdMs: -5)
    static let record = DiscoveryRecord(id: 2, successID: 1, behaviour: DiscoveryBehaviour(kind: .property, eventType: "setup", key: "plan", value: ""),
                                        status: .actioned, pinned: true, foundMs: 3, updatedMs: 4)

    @Test(arguments: [DiscoveryEdit.addSuccessEvent(success), .removeSuccessEvent(id: 9), .found([record, DiscoveryRecord(id: 3, successID: 1,
                      behaviour: DiscoveryBehaviour(kind: .page, eventType: "page_view", value: "/a"), foundMs: 0, updatedMs: 0)], retired: [1, 7]),
                      .found([], retired: []), .mark(id: 2, status: nil, pinned: false, atMs: 1), .mark(id: 2, status: .dismissed, pinned: nil, atMs: -1)])
    func discoveryEditsRoundTripThroughTheWAL(_ edit: DiscoveryEdit) throws {
        try expectRoundTrip(.discoveryEdit(edit), type: 19)
    }

    @Test func discoveriesSurviveASnapshot() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        try state.apply(DiscoveryEdit.addSuccessEvent(Self.success))
        try state.apply(DiscoveryEdit.found([Self.record], retired: []))
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.discoveries == state.discoveries && restored.discoveries.nextID == 3 && restored.discoveries.definitionsVersion == 1)
        #expect(restored.discoveries.id(of: Discoveries.Key(successID: 1, behaviour: Self.record.behaviour)) == 2)
        sections[.discoveries] = nil
        #expect(try TenantState(settings: state.settings, sections: sections).discoveries == Discoveries())
    }
}
