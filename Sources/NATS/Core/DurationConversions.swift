import NIOCore

extension Duration {
    var timeAmount: TimeAmount { .nanoseconds(nanoseconds) }

    /// Whole nanoseconds, the unit JetStream's JSON uses for durations.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
