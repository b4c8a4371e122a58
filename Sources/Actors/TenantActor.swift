import Foundation
import Logging
import Metrics
import Runtime

/// The only owner of one tenant's mutable state. Every write and read of the tenant goes through
/// it, so they are serialized; different tenants run in parallel. Each method finishes its
/// mutation before any suspension point.
public actor TenantActor {
    public nonisolated let settings: TenantSettings
    private var state: TenantState
    private let clock: @Sendable () -> Int64
    private let eventsCounter: Counter

    /// - Parameter clock: the current time in epoch milliseconds (injected so tests can fix it).
    public init(settings: TenantSettings, clock: @escaping @Sendable () -> Int64 = TenantActor.systemClock) {
        self.settings = settings
        self.state = TenantState(settings: settings)
        self.clock = clock
        self.eventsCounter = Counter(label: "beacon_events_ingested_total", dimensions: [("tenant", settings.id)])
    }

    public static let systemClock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    public nonisolated var id: String { settings.id }

    /// The tenant's clock, in epoch milliseconds.
    public nonisolated func now() -> Int64 { clock() }

    /// Applies a parsed batch whole, or nothing when any event is invalid.
    public func ingest(_ batch: ParsedBatch) throws(IngestValidationError) -> IngestReceipt {
        let now = clock()
        let receipt = try state.ingest(batch, nowMs: now, anonymousID: AnonymousID.make())
        afterIngest(receipt, now: now)
        return receipt
    }

    /// Applies events given as strings, whole or not at all.
    public func ingest(_ events: [EventInput]) throws(IngestValidationError) -> IngestReceipt {
        let now = clock()
        let receipt = try state.ingest(events, nowMs: now, anonymousID: AnonymousID.make())
        afterIngest(receipt, now: now)
        return receipt
    }

    private func afterIngest(_ receipt: IngestReceipt, now: Int64) {
        eventsCounter.increment(by: receipt.accepted)
        state.evictExpired(nowMs: now)
    }

    public func merge(anonymousID: String, into user: String) -> TenantState.MergeOutcome {
        state.merge(anonymousID: anonymousID, into: user)
    }

    /// Runs a read against the current state; it sees every write acknowledged before it started.
    public func read<Result: Sendable>(_ body: (TenantState) throws -> Result) rethrows -> Result {
        try body(state)
    }

    /// Events ingested, the newest event's time and memory held, for /health and /metrics.
    public func status() -> TenantStatus {
        TenantStatus(id: settings.id, name: settings.name, eventsIngested: state.eventsIngested,
                     eventsRetained: state.log.count, newestTimestampMs: state.newestTimestampMs,
                     users: state.users.liveCount, memoryBytes: state.memoryBytes)
    }
}

public struct TenantStatus: Sendable, Equatable {
    public var id: String
    public var name: String
    public var eventsIngested: Int
    public var eventsRetained: Int
    public var newestTimestampMs: Int64?
    public var users: Int
    public var memoryBytes: Int
}

/// Ids for events that arrive without a user: random, so they never collide across restarts.
enum AnonymousID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return "anon-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
