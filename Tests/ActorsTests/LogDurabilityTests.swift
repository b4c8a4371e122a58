import Foundation
import Testing
@testable import Actors
@testable import Runtime
@testable import Snapshot

/// Logs are written like every other write: a restart finds them, from the WAL alone and from a snapshot.
@Suite struct LogDurabilityTests {
    static let now = MarkDurabilityTests.now

    static func recover(_ storage: StorageSettings) async throws -> TenantActor { try await MarkDurabilityTests.recover(storage) }

    static func batch(_ n: Int, _ prefix: String) -> [LogInput] {
        (0..<n).map { (i: Int) -> LogInput in
            let timestamp: Int64? = i % 5 == 0 ? nil : now - Int64(i) * 1000
            let level: LogLevel = i % 2 == 0 ? .info : .error
            return LogInput(timestampMs: timestamp, service: "api", level: level, source: nil, message: "\(prefix) \(i)", attributes: [.init("i", String(i))])
        }
    }

    @Test func logsSurviveARestartFromTheWALAndFromASnapshot() async throws {
        let storage = StorageSettings(dataDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("beacon-logs-\(UUID().uuidString)"),
                                      fsync: .none)
        let first = try await Self.recover(storage)
        // More than a chunk's worth, in batches of the most a request may send.
        for n in 0..<5 { #expect(try await first.ingestLogs(Self.batch(1000, "batch \(n)")) == 1000) }
        let expected = try await first.read { $0.logs.records(from: 0, to: .max) }
        #expect(expected.count == 5000)
        // No close: the next start finds only the WAL, as after kill -9.
        let fromWAL = try await Self.recover(storage)
        #expect(try await fromWAL.read { $0.logs.records(from: 0, to: .max) } == expected)
        #expect(try await fromWAL.snapshot() != nil)
        _ = try await fromWAL.ingestLogs(Self.batch(10, "after"))
        let later = try await fromWAL.read { $0.logs.records(from: 0, to: .max) }
        let fromSnapshot = try await Self.recover(storage)
        #expect(try await fromSnapshot.read { $0.logs.records(from: 0, to: .max) } == later)
        #expect(try await fromSnapshot.read { $0.logsIngested } == 5010)
        await fromSnapshot.close()
    }

    @Test func aRefusedBatchIsNeitherLoggedNorApplied() async throws {
        let tenant = TenantActor(settings: TenantSettings(id: "t", name: "t"), clock: { Self.now })
        let bad = Self.batch(3, "x") + [LogInput(timestampMs: Self.now + 2 * 86_400_000, message: "too late")]
        await #expect(throws: IngestValidationError(index: 3, field: "timestamp", message: "is more than 24 hours in the future")) {
            try await tenant.ingestLogs(bad)
        }
        #expect(try await tenant.read { $0.logs.count } == 0)
    }
}
