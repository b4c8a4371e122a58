/// Per-day activity, new against returning users, monthly uniques, event types and pages.
extension TenantState {
    public struct DayActivity: Sendable, Equatable {
        public var day: DayNumber
        public var activeUsers: Int
        public var events: Int
        public var newUsers: Int
    }

    /// - Parameter filter: counts only the filtered accounts' members and events.
    public func activity(_ range: DayRange, filter: ResolvedAccountFilter? = nil) -> [DayActivity] {
        let eventsByUser = filter.flatMap { $0.countsEventsByUser ? eventsPerDay(range, by: $0.users) : nil }
        return range.all.map { d in
            guard let index = days[d] else { return DayActivity(day: d, activeUsers: 0, events: 0, newUsers: 0) }
            guard let filter else {
                return DayActivity(day: d, activeUsers: index.active.count, events: index.eventCount, newUsers: index.newUsers.count)
            }
            return DayActivity(day: d, activeUsers: index.active.intersectionCount(filter.users),
                               events: eventsByUser?[Int(d - range.first)] ?? filter.accounts.reduce(0) { $0 + index.count(ofAccount: $1) },
                               newUsers: index.newUsers.intersectionCount(filter.users))
        }
    }

    /// Events per day of `range` sent by `who` (one scan of the range's events).
    func eventsPerDay(_ range: DayRange, by who: Bitmap) -> [Int] {
        var wanted = [Bool](repeating: false, count: users.count)
        for u in who.members { wanted[Int(u)] = true }
        for u in 0..<users.count where users[UInt32(u)].mergedInto != UInt32(u) { wanted[u] = wanted[Int(users.canonical(UInt32(u)))] }
        let startMs = calendar.startMs(of: range.first), endMs = calendar.startMs(of: range.last + 1)
        var calendar = self.calendar
        var counts = [Int](repeating: 0, count: range.count)
        log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= startMs, chunk.minTimestamp < endMs else { return }
            for row in 0..<chunk.count where wanted[Int(chunk.users[row])] {
                let ts = chunk.timestamps[row]
                if ts >= startMs && ts < endMs { counts[Int(calendar.day(of: ts) - range.first)] += 1 }
            }
        }
        return counts
    }

    public struct MonthlyUniques: Sendable, Equatable {
        /// `year * 12 + month - 1`.
        public var month: Int
        public var users: Int
        public var events: Int
    }

    /// Distinct users per calendar month (tenant time zone), every month with data, oldest first.
    public func monthlyUniques() -> [MonthlyUniques] {
        guard !days.isEmpty else { return [] }
        var byMonth: [(month: Int, sets: [Bitmap], events: Int)] = []
        for d in days.firstDay...days.lastDay {
            guard let index = days[d], index.eventCount > 0 else { continue }
            let month = TenantCalendar.month(of: d)
            if byMonth.last?.month != month { byMonth.append((month, [], 0)) }
            byMonth[byMonth.count - 1].sets.append(index.active)
            byMonth[byMonth.count - 1].events += index.eventCount
        }
        return byMonth.map { MonthlyUniques(month: $0.month, users: Bitmap.union(of: $0.sets).count, events: $0.events) }
    }

    public struct EventTypeUsage: Sendable, Equatable {
        public var name: String
        public var count: Int
        public var users: Int
    }

    /// Every event type seen in `range`, with its count and distinct users, most frequent first.
    public func eventTypeUsage(_ range: DayRange) -> [EventTypeUsage] {
        let indexes = range.all.compactMap { days[$0] }
        var result: [EventTypeUsage] = []
        for t in 0..<eventTypeNames.count {
            let type = EventTypeIndex(UInt32(t))
            let count = indexes.reduce(0) { $0 + $1.count(ofType: type) }
            guard count > 0 else { continue }
            let users = Bitmap.union(of: indexes.compactMap { $0.users(ofType: type) }).count
            result.append(EventTypeUsage(name: eventTypeNames.string(UInt32(t)), count: count, users: users))
        }
        return result.sorted { ($0.count, $1.name) > ($1.count, $0.name) }
    }

    public struct PageViews: Sendable, Equatable {
        public var page: String
        public var views: Int
    }

    /// Pages with their event counts in `range`, most viewed first.
    public func pageViews(_ range: DayRange, limit: Int = 100) -> [PageViews] {
        var totals = [Int](repeating: 0, count: pageNames.count)
        for d in range.all {
            guard let index = days[d] else { continue }
            for (p, n) in index.pageCounts.enumerated() { totals[p] += n }
        }
        return totals.enumerated().filter { $0.element > 0 }
            .map { PageViews(page: pageNames.string(UInt32($0.offset)), views: $0.element) }
            .sorted { ($0.views, $1.page) > ($1.views, $0.page) }
            .prefix(limit).map { $0 }
    }

    public struct DataStats: Sendable, Equatable {
        public var eventsIngested: Int
        public var eventsRetained: Int
        public var users: Int
        public var anonymousUsers: Int
        public var accounts: Int
        public var eventTypes: Int
        public var pages: Int
        public var firstDay: DayNumber?
        public var lastDay: DayNumber?
        public var newestTimestampMs: Int64?
    }

    public var dataStats: DataStats {
        var anonymous = 0
        for (u, summary) in users.summaries.enumerated() where summary.isAnonymous && summary.mergedInto == UInt32(u) { anonymous += 1 }
        return DataStats(eventsIngested: eventsIngested, eventsRetained: log.count, users: users.liveCount,
                         anonymousUsers: anonymous, accounts: accounts.count, eventTypes: eventTypeNames.count,
                         pages: pageNames.count, firstDay: days.isEmpty ? nil : days.firstDay,
                         lastDay: days.isEmpty ? nil : days.lastDay, newestTimestampMs: newestTimestampMs)
    }
}
