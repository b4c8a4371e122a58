import Foundation
import Logging
import Testing
@testable import Actors
@testable import Runtime
@testable import Snapshot

/// Marks are written like every other write: a restart finds them, from the WAL alone and from a snapshot.
@Suite struct MarkDurabilityTests {
    static let now: Int64 = 1_793_448_000_000

    static func recover(_ storage: StorageSettings) async throws -> TenantActor {
        let tenant = TenantActor(settings: TenantSettings(id: "t", name: "t"), clock: { now })
        _ = try await tenant.recover(storage: storage, logger: Logger(label: "test"))
        return tenant
    }

    static func mark(_ title: String, scope: Mark.Scope) -> @Sendable (Int, Int64) -> MarkEdit {
        { id, now in .create(Mark(id: id, title: title, description: nil, timestampMs: now, category: .news, sourceRef: nil, scope: scope,
                                  metadata: nil, source: .api, creator: "ann", createdMs: now)) }
    }

    @Test func marksSurviveARestartFromTheWALAndFromASnapshot() async throws {
        let storage = StorageSettings(dataDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("beacon-marks-\(UUID().uuidString)"),
                                      fsync: .none)
        let first = try await Self.recover(storage)
        _ = try await first.editMarks(Self.mark("public one", scope: .public))
        _ = try await first.editMarks(Self.mark("private one", scope: .private))
        _ = try await first.editMarks(Self.mark("gone", scope: .public))
        _ = try await first.editMarks { _, _ in .delete(id: 3) }
        let expected = try await first.read { $0.marks }
        // No close: the next start finds only the WAL, as after kill -9.
        let fromWAL = try await Self.recover(storage)
        #expect(try await fromWAL.read { $0.marks } == expected)
        #expect(try await fromWAL.read { $0.nextMarkID } == 4)
        #expect(try await fromWAL.snapshot() != nil)
        _ = try await fromWAL.editMarks(Self.mark("after the snapshot", scope: .public))
        let later = try await fromWAL.read { $0.marks }
        let fromSnapshot = try await Self.recover(storage)
        #expect(try await fromSnapshot.read { $0.marks } == later)
        #expect(later.byID.count == 3)
        await fromSnapshot.close()
    }
}
