/// Lifecycle per period (`/metrics/lifecycle`), from the day indexes: each user active in a
/// period is new (first event ever in it), returning (also active in the period before) or
/// resurrected (not active in the period before, active earlier); dormant users were active in
/// the period before and not in this one.
extension TenantState {
    public struct LifecyclePoint: Sendable, Equatable {
        public var new = 0
        public var returning = 0
        public var resurrected = 0
        public var dormant = 0
    }

    /// One point per bucket of a daily, weekly or monthly window. The period before a bucket is
    /// the whole calendar period before it, also for a first bucket the range cuts.
    public func lifecycle(_ window: MetricsWindow) -> [LifecyclePoint] {
        window.buckets.map { bucket in
            let active = Bitmap.union(of: bucket.days.all.compactMap { days[$0]?.active })
            let new = Bitmap.union(of: bucket.days.all.compactMap { days[$0]?.newUsers }).intersection(active)
            let before = previousPeriod(of: bucket.days.first, window.granularity)
            let activeBefore = Bitmap.union(of: before.all.compactMap { days[$0]?.active })
            let returning = active.intersection(activeBefore).subtracting(new)
            return LifecyclePoint(new: new.count, returning: returning.count,
                                  resurrected: active.count - new.count - returning.count,
                                  dormant: activeBefore.subtractingCount(active))
        }
    }

    /// The whole day, Monday-week or month before the one holding `day`.
    func previousPeriod(of day: DayNumber, _ granularity: MetricsGranularity) -> DayRange {
        switch granularity {
        case .weekly:
            let start = Self.periodStart(of: day, .week)
            return DayRange(first: start - 7, last: start - 1)
        case .monthly:
            let start = Self.periodStart(of: day, .month)
            return DayRange(first: Self.periodStart(of: start - 1, .month), last: start - 1)
        case .daily, .minute, .hourly:
            return DayRange(first: day - 1, last: day - 1)
        }
    }
}
