/// When a tenant's next snapshot is due: `snapshot_interval_s` after the last one (if anything
/// changed since) or `snapshot_every_events` events after it, and never while one is being written.
/// Times are monotonic nanoseconds, passed in so the decision can be tested without waiting.
struct SnapshotSchedule: Sendable {
    /// 0 turns the count off.
    var everyEvents = 0
    /// 0 turns the timer off.
    var intervalSeconds = 0
    private(set) var eventsAtLast = 0
    private(set) var lastNs: UInt64 = 0
    private(set) var inFlight = false

    init() {}

    init(storage: StorageSettings, events: Int, nowNs: UInt64) {
        everyEvents = storage.snapshotEveryEvents
        intervalSeconds = storage.snapshotIntervalSeconds
        eventsAtLast = events
        lastNs = nowNs
    }

    func isDue(events: Int, nowNs: UInt64) -> Bool {
        guard !inFlight else { return false }
        let newEvents = events - eventsAtLast
        if everyEvents > 0, newEvents >= everyEvents { return true }
        return intervalSeconds > 0 && nowNs &- lastNs >= UInt64(intervalSeconds) * 1_000_000_000 && newEvents > 0
    }

    /// A snapshot of the state holding `events` events was taken at `nowNs`; the next is counted from here.
    mutating func began(events: Int, nowNs: UInt64) {
        inFlight = true
        eventsAtLast = events
        lastNs = nowNs
    }

    /// The snapshot is written, or failed: another may start.
    mutating func ended() { inFlight = false }
}
