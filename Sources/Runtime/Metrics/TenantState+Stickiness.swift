/// How sticky use is (`/metrics/stickiness...`): DAU or WAU over MAU per day, and per week or
/// month how many users were active on exactly k of its days.
extension TenantState {
    /// Per day of `range`: users of the `windowDays` days ending that day (1 or 7) over those of
    /// the 30 days ending it; 0 when nobody was active.
    public func stickinessRatios(_ range: DayRange, windowDays: Int) -> [Double] {
        let part = windowDays == 1 ? dailyActiveUsers(range) : trailingActiveUsers(range, window: windowDays)
        let month = trailingActiveUsers(range, window: 30)
        return zip(part, month).map { $1 == 0 ? 0 : Double($0) / Double($1) }
    }

    /// Per bucket of a weekly or monthly window: element k−1 counts the users active on exactly
    /// k of the bucket's days.
    public func activeDayHistogram(_ window: MetricsWindow) -> [[Int]] {
        window.buckets.map { bucket in
            var perUser: [UInt32: Int] = [:]
            for d in bucket.days.all { for u in days[d]?.active.members ?? [] { perUser[u, default: 0] += 1 } }
            var histogram = [Int](repeating: 0, count: bucket.days.count)
            for n in perUser.values { histogram[n - 1] += 1 }
            return histogram
        }
    }
}
