import Foundation
import Logging
import Testing
@testable import Actors
@testable import Runtime
@testable import Snapshot

/// Recovery applies every logged write as it was accepted; a record that cannot apply stops the
/// start, naming it, unless `forceRecover` skips it.
@Suite struct RecoveryReplayTests {
    static let now: Int64 = 1_793_448_000_000
    static let dayMs: Int64 = 86_400_000

    static func storage(force: Bool = false) -> StorageSettings {
        StorageSettings(dataDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("beacon-replay-\(UUID().uuidString)"),
                        fsync: .none, forceRecover: force)
    }

    static func login(_ user: String, daysAgo: Int64 = 0) -> Mutation {
        .events(nowMs: now, anonymousID: "", events: [EventInput(eventType: "login", user: user, timestampMs: now - daysAgo * dayMs)])
    }

    static func writeLog(_ storage: StorageSettings, _ mutations: [Mutation]) throws {
        let log = try WriteAheadLog(directory: storage.walDirectory(tenant: "t"), policy: .none, lastSequence: 0)
        for mutation in mutations { _ = try log.append(mutation) }
    }

    static func recover(_ storage: StorageSettings, retentionDays: Int = 365) async throws -> TenantActor {
        let tenant = TenantActor(settings: TenantSettings(id: "t", name: "t", retentionDays: retentionDays), clock: { now })
        _ = try await tenant.recover(storage: storage, logger: Logger(label: "test"))
        return tenant
    }

    @Test func aLoweredRetentionDoesNotDropAcceptedWrites() async throws {
        let storage = Self.storage()
        try Self.writeLog(storage, [Self.login("a@x.com", daysAgo: 100), Self.login("b@x.com")])
        let tenant = try await Self.recover(storage, retentionDays: 30)
        #expect(await tenant.status().eventsIngested == 2)
        await tenant.close()
    }

    @Test func aRecordThatCannotApplyStopsTheStartByItsSequence() async throws {
        let storage = Self.storage()
        try Self.writeLog(storage, [Self.login("a@x.com"), .profileEdit(.deleteUserNote(user: "nobody@x.com", noteID: 5)), Self.login("b@x.com")])
        let failure = try await #require(throws: WALReplayFailure.self) { _ = try await Self.recover(storage) }
        #expect(failure.sequence == 2)
        #expect(failure.tenant == "t")
        #expect(failure.description.contains("WAL record 2 of tenant 't'") && failure.description.contains("nobody@x.com"))

        var forced = storage
        forced.forceRecover = true
        let tenant = try await Self.recover(forced)
        #expect(await tenant.status().eventsIngested == 2, "the records around the skipped one apply")
        await tenant.close()
    }

    @Test func anUnknownRecordTypeStopsTheStartByItsSequence() async throws {
        let storage = Self.storage()
        try Self.writeLog(storage, [Self.login("a@x.com")])
        let directory = storage.walDirectory(tenant: "t")
        var later = WALFormat.segmentHeader
        later += WALFormat.frame(type: 99, sequence: 2, payload: [1, 2, 3])
        later += WALFormat.frame(type: Self.login("b@x.com").typeCode, sequence: 3, payload: Self.login("b@x.com").encodedPayload())
        try Data(later).write(to: directory.appendingPathComponent(WALFormat.segmentName(firstSequence: 2)))

        let failure = try await #require(throws: WALReplayFailure.self) { _ = try await Self.recover(storage) }
        #expect(failure.sequence == 2)
        #expect(failure.reason.contains("record type 99 is unknown"))

        var forced = storage
        forced.forceRecover = true
        let tenant = try await Self.recover(forced)
        #expect(await tenant.status().eventsIngested == 2)
        await tenant.close()
    }

    @Test func aBodyThatDoesNotParseIsReportedNotApplied() async throws {
        let storage = Self.storage()
        try Self.writeLog(storage, [.ingestBody(nowMs: Self.now, anonymousID: "", body: Array("{not json".utf8))])
        let failure = try await #require(throws: WALReplayFailure.self) { _ = try await Self.recover(storage) }
        #expect(failure.sequence == 1)
    }
}
