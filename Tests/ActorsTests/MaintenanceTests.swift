import Foundation
import Logging
import Synchronization
import Testing
@testable import Actors
@testable import Runtime

/// Housekeeping reaches idle tenants: with no request arriving, the maintenance service evicts
/// events past retention.
@Suite struct MaintenanceTests {
    @Test func anIdleTenantEvictsPastRetention() async throws {
        let start: Int64 = 1_793_448_000_000
        let clock = Mutex(start)
        let registry = TenantRegistry([.init(settings: TenantSettings(id: "t", name: "t", retentionDays: 2), apiKeys: ["k"])],
                                      clock: { clock.withLock { $0 } })
        let tenant = try #require(registry.tenant(id: "t"))
        var batch: [EventInput] = []
        for i in 0..<(EventLog.chunkCapacity + 100) {
            batch.append(EventInput(eventType: "a", user: "u\(i % 50)", timestampMs: start - 36 * 3_600_000 + Int64(i)))
            if batch.count == 1000 { _ = try await tenant.ingest(batch); batch = [] }
        }
        _ = try await tenant.ingest(batch)
        #expect(await tenant.status().eventsRetained == EventLog.chunkCapacity + 100)

        clock.withLock { $0 = start + 2 * 86_400_000 }   // the first chunk is now past retention; nothing is sent
        let service = TenantMaintenanceService(registry: registry, storage: nil, logger: Logger(label: "test"), tick: .milliseconds(10))
        let running = Task { try await service.run() }
        var retained = EventLog.chunkCapacity + 100
        for _ in 0..<500 where retained > 100 {
            try await Task.sleep(for: .milliseconds(10))
            retained = await tenant.status().eventsRetained
        }
        running.cancel()
        #expect(retained == 100, "the sealed chunk past retention was evicted without any write")
        #expect(await tenant.status().eventsIngested == EventLog.chunkCapacity + 100, "the counts stay")
    }
}
