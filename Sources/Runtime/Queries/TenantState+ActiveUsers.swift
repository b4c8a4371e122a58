/// DAU, WAU and MAU series and live users: answered from the day and minute indexes alone.
extension TenantState {
    /// Active-user sets of `range` (empty sets for days without events).
    func activeSets(_ range: DayRange) -> [Bitmap] {
        range.all.map { days[$0]?.active ?? Bitmap() }
    }

    /// Distinct users per day.
    public func dailyActiveUsers(_ range: DayRange) -> [Int] {
        range.all.map { days[$0]?.active.count ?? 0 }
    }

    /// For each day of `range`, the distinct users over the `window` days ending that day.
    public func trailingActiveUsers(_ range: DayRange, window: Int) -> [Int] {
        let extended = DayRange(first: range.first - DayNumber(window - 1), last: range.last)
        return SlidingUnion.counts(activeSets(extended), window: window, firstEnd: window - 1)
    }

    /// Distinct users over the whole of `range`.
    public func distinctActiveUsers(_ range: DayRange) -> Int {
        Bitmap.union(of: range.all.compactMap { days[$0]?.active }).count
    }

    public struct LiveUsers: Sendable, Equatable {
        /// Distinct users active in the 5 minutes ending with the current minute.
        public var activeUsers: Int
        /// Start of each of the 60 minutes, oldest first, and its distinct active users.
        public var sparkline: [(minuteStartMs: Int64, users: Int)]

        public static func == (a: LiveUsers, b: LiveUsers) -> Bool {
            a.activeUsers == b.activeUsers && a.sparkline.elementsEqual(b.sparkline) { $0 == $1 }
        }
    }

    /// Live users at `nowMs`: the current minute and the four before it count as "the last 5 minutes".
    public func liveUsers(nowMs: Int64) -> LiveUsers {
        let current = MinuteRing.minute(of: nowMs)
        let sparkline = (0..<Int64(MinuteRing.size)).reversed().map { back in
            let minute = current - back
            return (minute * 60_000, minutes.users(inMinute: minute)?.count ?? 0)
        }
        let recent = (0..<Int64(5)).compactMap { minutes.users(inMinute: current - $0) }
        return LiveUsers(activeUsers: Bitmap.union(of: recent).count, sparkline: sparkline)
    }
}
