import Runtime

/// When dynamic segments (and the audiences and journey snapshots that follow them) are next
/// refreshed while nobody reads: `SegmentRefreshPace` after the last refresh, stretched by what
/// that one cost. Times are monotonic nanoseconds, passed in so the decision can be tested.
struct RefreshPace: Sendable {
    private(set) var lastNs: UInt64
    private(set) var lastCostNs: UInt64 = 0

    init(nowNs: UInt64) { lastNs = nowNs }

    func isDue(nowNs: UInt64) -> Bool {
        nowNs &- lastNs > SegmentRefreshPace.interval(lastCostNs: lastCostNs)
    }

    /// A refresh starts now (reads refresh too, which puts the next paced one off).
    mutating func started(nowNs: UInt64) { lastNs = nowNs }

    /// The refresh that started last is done; its cost paces the next.
    mutating func finished(nowNs: UInt64) { lastCostNs = nowNs &- lastNs }
}
