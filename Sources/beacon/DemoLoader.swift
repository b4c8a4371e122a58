import Actors
import DemoData
import Foundation
import Logging
import Runtime
import ServiceLifecycle

/// `beacon serve --demo-events N`: once the first tenant is ready, fills it with a month of
/// generated events (`make demo`), unless it already holds events (a restart keeps what the
/// first start loaded). Progress goes to the log.
struct DemoLoader: Service {
    let tenant: TenantActor
    let events: Int
    let logger: Logger

    func run() async throws {
        while tenant.phase != .ready {
            try await Task.sleep(for: .milliseconds(100))
        }
        guard await tenant.status().eventsIngested == 0 else {
            logger.info("demo: the tenant already holds events; nothing generated", metadata: ["tenant": "\(tenant.id)"])
            return
        }
        let users = max(50, events / 100)
        let generator = DemoGenerator(.init(events: events, users: users, days: 30, endMs: tenant.now()))
        let records = generator.records()
        logger.info("demo: loading generated events", metadata: ["tenant": "\(tenant.id)", "events": "\(events)", "users": "\(users)"])
        var batch: [EventInput] = []
        var loaded = 0, nextReport = 100_000
        func flush() async throws {
            guard !batch.isEmpty else { return }
            _ = try await tenant.ingest(batch)
            loaded += batch.count
            batch.removeAll(keepingCapacity: true)
            if loaded >= nextReport {
                logger.info("demo: loaded \(loaded) of \(events) events")
                nextReport += 100_000
            }
        }
        for record in records {
            switch record {
            case .event(let e):
                batch.append(EventInput(eventType: e.name, user: e.user, account: e.account, page: e.page, timestampMs: e.timestampMs,
                                        properties: e.properties.map { EventInput.Property($0.key, $0.value) }))
                if batch.count == IngestLimits.maxBatchEvents { try await flush() }
            case .merge(let anonymous, let user, _):
                try await flush()
                _ = try await tenant.merge(anonymousID: anonymous, into: user)
            }
        }
        try await flush()
        logger.info("demo: loaded \(loaded) events; open the dashboard at / with the tenant's API key")
    }
}
