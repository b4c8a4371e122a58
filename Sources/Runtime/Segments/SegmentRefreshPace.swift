/// How often dynamic segments are refreshed while events arrive and nobody reads them: every
/// 250 ms, stretched so refreshing takes at most a tenth of the time, and never past a second
/// (the most an audience may lag behind the events). Reads refresh first regardless.
public enum SegmentRefreshPace {
    public static let fastestNs: UInt64 = 250_000_000
    public static let slowestNs: UInt64 = 1_000_000_000

    public static func interval(lastCostNs: UInt64) -> UInt64 {
        min(slowestNs, max(fastestNs, lastCostNs.multipliedReportingOverflow(by: 10).partialValue))
    }
}
