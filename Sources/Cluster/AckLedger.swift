/// The bookkeeping of a log whose appends are sent at once and acknowledged later
/// (docs/cluster.md, "The log"). Each append gets the next sequence; a writer waits until the
/// stream acknowledged its record at that very sequence. The first refusal or mismatch fails
/// the log for good: every record after it expected a sequence that is now wrong, so what this
/// node holds is no longer the stream's state, and it must step down.
struct AckLedger<Waiter> {
    private(set) var last: UInt64
    /// Every record up to here is acknowledged.
    private(set) var durable: UInt64
    private(set) var failure: String?
    /// Acknowledged beyond `durable`, waiting for the ones before them.
    private var early: Set<UInt64> = []
    private var waiters: [(sequence: UInt64, waiter: Waiter)] = []

    init(after sequence: UInt64) {
        last = sequence
        durable = sequence
    }

    /// The sequence the next append takes, and the one it must find last.
    mutating func append() -> (sequence: UInt64, expectedLast: UInt64)? {
        guard failure == nil else { return nil }
        last += 1
        return (last, last - 1)
    }

    enum Outcome { case durable, failed(String) }

    /// Answers at once when `sequence` is settled; else queues the waiter and answers nil.
    mutating func wait(for sequence: UInt64, _ waiter: Waiter) -> Outcome? {
        if sequence <= durable { return .durable }
        if let failure { return .failed(failure) }
        waiters.append((sequence, waiter))
        return nil
    }

    /// The stream acknowledged the record sent as `sequence`, storing it at `stored`.
    mutating func acknowledged(_ sequence: UInt64, storedAt stored: UInt64) -> [(Waiter, Outcome)] {
        guard failure == nil else { return [] }
        guard stored == sequence else {
            return fail("the record sent as \(sequence) was stored as \(stored): another writer moved the stream")
        }
        early.insert(sequence)
        while early.remove(durable + 1) != nil { durable += 1 }
        var ready: [(Waiter, Outcome)] = []
        waiters.removeAll { entry in
            guard entry.sequence <= durable else { return false }
            ready.append((entry.waiter, .durable))
            return true
        }
        return ready
    }

    /// The record could not be stored (refused, timed out, connection lost): the log fails.
    mutating func fail(_ reason: String) -> [(Waiter, Outcome)] {
        if failure == nil { failure = reason }
        let failed = waiters.filter { $0.sequence > durable }.map { ($0.waiter, Outcome.failed(failure!)) }
        let settled = waiters.filter { $0.sequence <= durable }.map { ($0.waiter, Outcome.durable) }
        waiters = []
        return settled + failed
    }

    /// The oldest record still unacknowledged, if any.
    var oldestPending: UInt64? { durable < last ? durable + 1 : nil }
}
