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

/// Data management through the WAL and a snapshot.
@Suite struct DataCatalogCodecTests {
    @Test(arguments: [DataEdit.retention(days: 0), .retention(days: 36_500), .archive(eventType: "login ✓", archived: true), .archive(eventType: "", archived: false),
                      .propertyMeta(key: "plan", PropertyMeta(status: .verified, description: "the plan")), .propertyMeta(key: "k", PropertyMeta()),
                      .renameType(old: "a", new: "b"), .rewrite(.delete(eventType: "b", beforeMs: nil), nowMs: 5),
                      .rewrite(.delete(eventType: nil, beforeMs: -9), nowMs: -1), .rewrite(.mergeTypes(source: "c", target: "a"), nowMs: 7),
                      .rewrite(.mergeProperties(eventType: nil, source: "plan", target: "tier"), nowMs: 8),
                      .rewrite(.mergeProperties(eventType: "c", source: "n", target: ""), nowMs: 9),
                      .rewrite(.deleteUsers(["ann@x.com", "bob"]), nowMs: 10), .rewrite(.deleteAccounts(["acme"]), nowMs: 11)])
    func dataEditsRoundTripThroughTheWAL(_ edit: DataEdit) throws {
        try expectRoundTrip(.dataEdit(edit), type: 20)
    }

    @Test func theCatalogSurvivesASnapshotAndSetsTheRetention() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 90))
        try state.apply(DataEdit.retention(days: 14))
        try state.apply(DataEdit.archive(eventType: "old", archived: true))
        try state.apply(DataEdit.propertyMeta(key: "plan", PropertyMeta(status: .hidden, description: "")))
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 90), sections: sections)
        #expect(restored.catalog == state.catalog && restored.settings.retentionDays == 14)
        sections[.catalog] = nil
        let old = try TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 90), sections: sections)
        #expect(old.catalog == DataCatalog() && old.settings.retentionDays == 90)
    }

    @Test func aDeleteReplaysToTheSameState() throws {
        var live = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let events = (0..<300).map { i in EventInput(eventType: ["a", "b", "c"][i % 3], user: "u\(i % 11)@x.com", timestampMs: 1_793_000_000_000 + Int64(i) * 60_000) }
        let mutations: [Mutation] = [.events(nowMs: 1_793_448_000_000, anonymousID: "g", events: events),
                                     .dataEdit(.rewrite(.delete(eventType: "b", beforeMs: nil), nowMs: 1_793_448_000_000)),
                                     .dataEdit(.rewrite(.mergeTypes(source: "c", target: "a"), nowMs: 1_793_448_000_000))]
        _ = try live.ingest(events, nowMs: 1_793_448_000_000, anonymousID: "g")
        try live.apply(DataEdit.rewrite(.delete(eventType: "b", beforeMs: nil), nowMs: 1_793_448_000_000))
        try live.apply(DataEdit.rewrite(.mergeTypes(source: "c", target: "a"), nowMs: 1_793_448_000_000))
        var replayed = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let parser = FastIngestParser()
        for m in mutations { try replayed.replay(try Mutation.decoded(type: m.typeCode, payload: m.encodedPayload()), parser: parser) }
        #expect(replayed.log.count == 200 && live.log.count == 200)
        #expect(replayed.typeTotals == live.typeTotals && replayed.typeTotals[Int(live.eventTypeIndex("a")!.rawValue)] == 200)
        for section in TenantState.Section.allCases { #expect(replayed.encodedSection(section) == live.encodedSection(section), "\(section)") }
    }
}

/// Bulk profile edits are one WAL record.
@Suite struct BulkCodecTests {
    @Test func profileEditsRoundTripThroughTheWAL() throws {
        try expectRoundTrip(.profileEdits([.setUserProperties(user: "a@x.com", properties: [.init("role", "admin"), .init("seats", nil)]),
                                           .setAccountProperties(account: "acme ✓", properties: [.init("industry", "")])]), type: 21)
        try expectRoundTrip(.profileEdits([]), type: 21)
    }
}

/// Acting on a recommendation and activating a nudge carry the impact action they start; records
/// from before that still read.
@Suite struct ImpactSourceCodecTests {
    static let action = ImpactAction(id: 4, source: .journeyRecommendation, sourceRef: "1:drop-1", actionType: "largest_drop_off", member: "ann",
                                     metric: ImpactMetric(rule: .journeyDropOff, subject: "1:2"), baseline: 0.5, createdMs: 9)

    /// Decodes back to itself; a cut decodes only where the older shape ends (the frame's CRC,
    /// not the payload, tells a cut record: WALTests).
    func expectRoundTripWithOlderShape(_ mutation: Mutation, type: UInt8, olderShapeBytes: Int) throws {
        let payload = mutation.encodedPayload()
        #expect(try Mutation.decoded(type: type, payload: payload) == mutation)
        for cut in 0..<payload.count where cut != olderShapeBytes {
            #expect(Mutation.decode(type: type, payload: Array(payload.prefix(cut))) == nil, "cut at \(cut)")
        }
    }

    @Test func theyRoundTripWithAndWithoutTheAction() throws {
        let acted = Mutation.journeyEdit(.decide(id: 1, recommendation: "drop-1", action: .act, atMs: 9, impact: Self.action))
        try expectRoundTripWithOlderShape(acted, type: 8,
                                          olderShapeBytes: Mutation.journeyEdit(.decide(id: 1, recommendation: "drop-1", action: .act, atMs: 9)).encodedPayload().count)
        var nudge = Self.action
        nudge.source = .nudge; nudge.sourceRef = "3"; nudge.metric = ImpactMetric(rule: .nudgeClickRate, subject: "3")
        try expectRoundTripWithOlderShape(.nudgeEdit(.setStatus(id: 3, status: .active, nowMs: 9, impact: nudge)), type: 7,
                                          olderShapeBytes: Mutation.nudgeEdit(.setStatus(id: 3, status: .active, nowMs: 9)).encodedPayload().count)
        // The old shapes end before the action, and decode as they did.
        let old = Mutation.journeyEdit(.decide(id: 1, recommendation: "drop-1", action: .dismiss, atMs: 9))
        #expect(try Mutation.decoded(type: 8, payload: old.encodedPayload()) == old)
        let oldNudge = Mutation.nudgeEdit(.setStatus(id: 3, status: .paused, nowMs: 9))
        #expect(try Mutation.decoded(type: 7, payload: oldNudge.encodedPayload()) == oldNudge)
    }
}
