import Foundation
import Testing
@testable import Actors
@testable import Runtime
@testable import Snapshot

@Suite struct SnapshotterTests {
    /// Snapshots are numbered on from the newest recovered one, and each lands whole under its number.
    @Test func numbersOnFromTheRecoveredSequenceAndWritesEach() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-snapshotter-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try WriteAheadLog(directory: directory.appendingPathComponent("wal"), policy: .none, lastSequence: 0)
        let store = SnapshotStore(directory: directory.appendingPathComponent("snapshots"))
        var snapshotter = Snapshotter(tenant: "t", store: store, log: log, sequence: 41)
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        _ = try state.ingest([EventInput(eventType: "login", user: "a@x.com", timestampMs: 1_793_448_000_000)], nowMs: 1_793_448_000_000, anonymousID: "g")
        for position in [UInt64(5), 9] {
            let header = snapshotter.nextHeader(walPosition: position, createdMs: 0)
            let written = try await snapshotter.write(state, header: header)
            let file = directory.appendingPathComponent("snapshots").appendingPathComponent(SnapshotStore.fileName(sequence: header.sequence))
            #expect(written.bytes == (try Data(contentsOf: file)).count)
        }
        #expect(store.files().map(\.sequence) == [43, 42])
        let loaded = try #require(store.loadNewest(settings: state.settings).loaded)
        #expect(loaded.header.walPosition == 9)
        #expect(loaded.state.eventsIngested == 1)
    }
}
