import Synchronization

/// Tells the live streams of a tenant (the dashboard's server-sent events) that its data changed,
/// without them asking: each subscriber gets a stream that holds at most one pending signal, so a
/// burst of writes wakes a slow reader once.
public final class LiveChanges: Sendable {
    private let subscribers = Mutex<[Int: AsyncStream<Void>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)

    public init() {}

    /// A stream that yields after every change (coalesced) and ends when the caller stops
    /// iterating, and a way to wake that one stream alone (its heartbeat).
    public func subscribe() -> (changes: AsyncStream<Void>, wake: @Sendable () -> Void) {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { [weak self] _ in self?.subscribers.withLock { _ = $0.removeValue(forKey: id) } }
        subscribers.withLock { $0[id] = continuation }
        return (stream, { continuation.yield() })
    }

    public func signal() {
        subscribers.withLock { for continuation in $0.values { continuation.yield() } }
    }
}
