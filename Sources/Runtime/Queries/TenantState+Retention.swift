/// Cohort retention from the day indexes alone: a user's cohort is the period (Monday-week or
/// calendar month, tenant time zone) of their first entry event; they are retained in period k
/// when they sent the return event in the k-th period after it. No event is scanned.
extension TenantState {
    public enum RetentionPeriod: String, Sendable { case day, week, month }

    public struct Cohort: Sendable, Equatable {
        public var start: DayNumber
        public var users: Int
        /// Users of the cohort active (with the return event) in period 0, 1, …
        public var retained: [Int]
    }

    /// - Parameters:
    ///   - entry: the event type that puts a user in a cohort (nil: any event, i.e. the user's first event).
    ///   - returning: the event type that counts as a return (nil: any event).
    ///   - cohortRange: cohorts whose period starts within these days.
    ///   - periods: retention is counted for periods 0…periods.
    public func retention(entry: EventTypeIndex?, returning: EventTypeIndex?, period: RetentionPeriod,
                          cohortRange: DayRange, periods: Int) -> [Cohort] {
        guard !days.isEmpty else { return [] }
        // The cohort of each user: the period of their first entry event, over all retained days.
        var seen = Bitmap()
        var cohorts: [DayNumber: Bitmap] = [:]
        for d in days.firstDay...days.lastDay {
            guard let index = days[d] else { continue }
            let entered: Bitmap
            if let entry { guard let users = index.users(ofType: entry) else { continue }; entered = users.subtracting(seen) }
            else { entered = index.newUsers }
            guard !entered.isEmpty else { continue }
            seen.formUnion(entered)
            let start = Self.periodStart(of: d, period)
            guard start >= cohortRange.first, start <= cohortRange.last else { continue }
            cohorts[start, default: Bitmap()].formUnion(entered)
        }
        var returnCache: [DayNumber: Bitmap] = [:]
        func returners(periodStartingOn start: DayNumber) -> Bitmap {
            if let cached = returnCache[start] { return cached }
            let end = Self.periodStart(of: Self.nextPeriod(after: start, period), period) - 1
            let sets = (start...end).compactMap { d -> Bitmap? in
                guard let index = days[d] else { return nil }
                return returning.map { index.users(ofType: $0) } ?? index.active
            }
            let union = Bitmap.union(of: sets)
            returnCache[start] = union
            return union
        }
        return cohorts.keys.sorted().map { start in
            let members = cohorts[start]!
            var retained: [Int] = []
            var periodStart = start
            for _ in 0...periods {
                retained.append(members.intersectionCount(returners(periodStartingOn: periodStart)))
                periodStart = Self.nextPeriod(after: periodStart, period)
            }
            return Cohort(start: start, users: members.count, retained: retained)
        }
    }

    /// The day itself, the Monday on or before it, or the first of its month.
    public static func periodStart(of day: DayNumber, _ period: RetentionPeriod) -> DayNumber {
        switch period {
        case .day: return day
        case .week: return day - DayNumber(((Int(day) + 3) % 7 + 7) % 7)   // 1970-01-01 was a Thursday
        case .month: return TenantCalendar.firstDay(ofMonth: TenantCalendar.month(of: day))
        }
    }

    static func nextPeriod(after start: DayNumber, _ period: RetentionPeriod) -> DayNumber {
        switch period {
        case .day: return start + 1
        case .week: return start + 7
        case .month: return TenantCalendar.firstDay(ofMonth: TenantCalendar.month(of: start) + 1)
        }
    }
}
