import Foundation
import Testing
@testable import Runtime
@testable import Snapshot

/// The metadata store: its WAL edits (type 22) and snapshot section, Do Not Process dropping new
/// events on both ingest paths against a plain filter of what was sent, and guide opt-outs.
@Suite struct MetadataCodecTests {
    static let now: Int64 = 1_793_448_000_000

    @Test(arguments: [
        MetadataEdit.defineFields(kind: .visitor, group: .custom, fields: [.init(name: "tier", displayName: "Tier ✓", type: .string, updatedMs: 5),
                                                                           .init(name: "seats", displayName: "seats", type: .number, deleted: true, updatedMs: 6)]),
        .deleteField(kind: .account, group: .agent, name: "region", nowMs: 9),
        .setFlag(flag: .doNotProcess, kind: .visitor, id: "ann@x.com", on: true),
        .setFlag(flag: .guideOptOut, kind: .account, id: "acme", on: false),
    ])
    func editsRoundTripAndACutRecordIsRefused(_ edit: MetadataEdit) throws {
        let mutation = Mutation.metadataEdit(edit)
        let payload = mutation.encodedPayload()
        #expect(try Mutation.decoded(type: 22, payload: payload) == mutation)
        for cut in 0..<payload.count { #expect(Mutation.decode(type: 22, payload: Array(payload.prefix(cut))) == nil, "cut at \(cut)") }
    }

    @Test func theStoreSurvivesASnapshotAndAnOlderSnapshotHasNone() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        try state.apply(MetadataEdit.defineFields(kind: .visitor, group: .custom, fields: [.init(name: "tier", displayName: "Tier", type: .string, updatedMs: 5)]))
        try state.apply(MetadataEdit.defineFields(kind: .account, group: .agent, fields: [.init(name: "arr", displayName: "ARR", type: .number, updatedMs: 5)]))
        try state.apply(MetadataEdit.deleteField(kind: .account, group: .agent, name: "arr", nowMs: 7))
        try state.apply(MetadataEdit.setFlag(flag: .doNotProcess, kind: .visitor, id: "bob", on: true))
        try state.apply(MetadataEdit.setFlag(flag: .guideOptOut, kind: .account, id: "acme", on: true))
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.metadata == state.metadata && restored.metadata.schema(.visitor, .custom).map(\.name) == ["tier"])
        #expect(restored.metadata.schema(.account, .agent).isEmpty && restored.metadata.fields[.init(.account, .agent, "arr")]?.deleted == true)
        sections[.metadata] = nil
        #expect(try TenantState(settings: state.settings, sections: sections).metadata == Metadata())
        #expect(state.refusal(of: .deleteField(kind: .visitor, group: .agent, name: "nope", nowMs: 1)) == .unknownField("nope"))
        let many = (0..<25).map { Metadata.Field(name: "f\($0)", displayName: "f", type: .string, updatedMs: 1) }
        #expect(state.refusal(of: .defineFields(kind: .visitor, group: .agent, fields: many)) == .tooManyFields(limit: 24))
    }

    /// Events sent after a visitor or account is marked Do Not Process are dropped, on the
    /// string path and the fast parser's path; earlier ones stay, and unmarking resumes.
    @Test func doNotProcessDropsNewEventsOnBothIngestPaths() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 0))
        var kept: [(String, String?)] = []
        func send(_ events: [(String, String?)], fast: Bool) throws {
            if fast {
                let lines = events.map { u, a in #"{"event_type":"open","user_email":"\#(u)"\#(a.map { #","account_id":"\#($0)""# } ?? "")}"# }
                let batch = try FastIngestParser().parse(Array((#"{"events":["# + lines.joined(separator: ",") + "]}").utf8), maxEvents: 100)
                _ = try state.ingest(batch, nowMs: Self.now, anonymousID: "g")
            } else {
                _ = try state.ingest(events.map { EventInput(eventType: "open", user: $0.0, account: $0.1, timestampMs: Self.now) }, nowMs: Self.now, anonymousID: "g")
            }
            // The plain rule: drop what names a flagged visitor or account.
            kept += events.filter { u, a in !state.metadata.isFlagged(.doNotProcess, .visitor, u) && !(a.map { state.metadata.isFlagged(.doNotProcess, .account, $0) } ?? false) }
        }
        let round: [(String, String?)] = [("ann", "acme"), ("bob", nil), ("cy", "globex"), ("ann", nil)]
        for fast in [false, true] {
            try send(round, fast: fast)
            try state.apply(MetadataEdit.setFlag(flag: .doNotProcess, kind: .visitor, id: "ann", on: true))
            try state.apply(MetadataEdit.setFlag(flag: .doNotProcess, kind: .account, id: "globex", on: true))
            try send(round, fast: fast)
            try state.apply(MetadataEdit.setFlag(flag: .doNotProcess, kind: .visitor, id: "ann", on: false))
            try state.apply(MetadataEdit.setFlag(flag: .doNotProcess, kind: .account, id: "globex", on: false))
            try send(round, fast: fast)
        }
        for user in ["ann", "bob", "cy"] {
            #expect(state.userDetail(user, eventsLimit: 0)?.events == kept.filter { $0.0 == user }.count, "\(user)")
        }
        #expect(state.eventsIngested == kept.count && kept.count == 18)
    }

    @Test func aGuideOptOutHidesEveryNudge() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        _ = try state.ingest([EventInput(eventType: "open", user: "ann", account: "acme", timestampMs: Self.now),
                              EventInput(eventType: "open", user: "bob", timestampMs: Self.now)], nowMs: Self.now, anonymousID: "g")
        try state.apply(NudgeEdit.create(NudgeDefinition(title: "Hi", targetPage: "*"), id: 1, nowMs: Self.now))
        try state.apply(NudgeEdit.setStatus(id: 1, status: .active, nowMs: Self.now))
        #expect(state.eligibleNudges(user: "ann", page: "/x").map(\.id) == [1])
        try state.apply(MetadataEdit.setFlag(flag: .guideOptOut, kind: .account, id: "acme", on: true))
        #expect(state.eligibleNudges(user: "ann", page: "/x").isEmpty && state.eligibleNudges(user: "bob", page: "/x").map(\.id) == [1])
        try state.apply(MetadataEdit.setFlag(flag: .guideOptOut, kind: .visitor, id: "bob", on: true))
        #expect(state.eligibleNudges(user: "bob", page: "/x").isEmpty)
    }
}

/// Bulk-delete receipts: their edits read back, and a pending id cannot be asked for again.
@Suite struct DeletionReceiptCodecTests {
    @Test func receiptsRoundTripAndPendingIDsAreRefused() throws {
        let request = MetadataEdit.requestDeletion(Metadata.Deletion(id: 1, kind: .visitor, ids: ["ann", "bob"], requestedMs: 5))
        for edit in [request, .completeDeletion(id: 1, atMs: 9, eventsDeleted: 12),
                     .requestDeletion(Metadata.Deletion(id: 2, kind: .account, ids: ["acme"], requestedMs: 6, completedMs: 8, eventsDeleted: 3))] {
            #expect(try Mutation.decoded(type: 22, payload: Mutation.metadataEdit(edit).encodedPayload()) == .metadataEdit(edit))
        }
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        try state.apply(request)
        #expect(state.metadata.isFlagged(.doNotProcess, .visitor, "bob") && state.metadata.nextDeletionID == 2)
        #expect(state.refusal(of: .requestDeletion(Metadata.Deletion(id: 2, kind: .visitor, ids: ["cy", "bob"], requestedMs: 6))) == .deletionPending("bob"))
        try state.apply(MetadataEdit.completeDeletion(id: 1, atMs: 9, eventsDeleted: 4))
        #expect(state.refusal(of: .requestDeletion(Metadata.Deletion(id: 2, kind: .visitor, ids: ["bob"], requestedMs: 6))) == nil)
        let sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        #expect(try TenantState(settings: state.settings, sections: sections).metadata.deletions[1]?.completedMs == 9)
    }
}
