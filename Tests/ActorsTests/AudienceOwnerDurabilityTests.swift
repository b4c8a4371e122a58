import Foundation
import Logging
import Testing
@testable import Actors
@testable import Runtime
@testable import Snapshot

/// A segment's owner and description come back after a restart, from the WAL alone and from a snapshot.
@Suite struct AudienceOwnerDurabilityTests {
    static func details(_ tenant: TenantActor) async throws -> [Int: [String?]] {
        try await tenant.read { state in state.segments.byID.mapValues { [$0.owner, $0.description, $0.name] } }
    }

    @Test func ownersAndDescriptionsSurviveARestartFromTheWALAndFromASnapshot() async throws {
        let storage = StorageSettings(dataDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("beacon-owners-\(UUID().uuidString)"),
                                      fsync: .none)
        let first = try await MarkDurabilityTests.recover(storage)
        let rules: [SegmentRule] = [.didEvent(event: "login", withinDays: 30, filters: [])]
        _ = try await first.editSegments { id, now in .create(id: id, name: "active", folder: nil, isStatic: false, rules: rules, nowMs: now, owner: "eddie", description: "logged in") }
        _ = try await first.editSegments { id, now in .create(id: id, name: "legacy", folder: nil, isStatic: false, rules: rules, nowMs: now) }
        _ = try await first.editSegments { _, now in .update(id: 1, name: nil, folder: nil, rules: nil, nowMs: now, description: .some("renamed")) }
        let expected: [Int: [String?]] = [1: ["eddie", "renamed", "active"], 2: [nil, nil, "legacy"]]
        #expect(try await Self.details(first) == expected)
        let fromWAL = try await MarkDurabilityTests.recover(storage)   // no close: as after kill -9
        #expect(try await Self.details(fromWAL) == expected)
        #expect(try await fromWAL.snapshot() != nil)
        let fromSnapshot = try await MarkDurabilityTests.recover(storage)
        #expect(try await Self.details(fromSnapshot) == expected)
        await fromSnapshot.close()
    }
}
