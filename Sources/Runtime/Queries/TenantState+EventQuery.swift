/// Ad-hoc questions of the form "users who did A (where …) and B, but not C": each condition is an
/// event type with optional property filters, a minimum count and its own window of days.
extension TenantState {
    public struct EventCondition: Sendable, Equatable {
        public var eventType: EventTypeIndex
        public var filters: [PropertyFilter]
        public var days: DayRange
        /// Events the user needs in the window (1: did it at all).
        public var minCount: Int

        public init(eventType: EventTypeIndex, filters: [PropertyFilter] = [], days: DayRange, minCount: Int = 1) {
            self.eventType = eventType; self.filters = filters; self.days = days; self.minCount = minCount
        }
    }

    public struct ConditionResult: Sendable, Equatable {
        /// Users meeting the condition on their own.
        public var users: Bitmap
        /// Events matching the condition (type, filters, window), by anyone.
        public var events: Int
    }

    public struct EventQueryResult: Sendable, Equatable {
        public var includes: [ConditionResult]
        public var excludes: [ConditionResult]
        /// Users meeting every include and no exclude.
        public var matching: Bitmap
    }

    public func eventQuery(includes: [EventCondition], excludes: [EventCondition]) -> EventQueryResult {
        let included = includes.map(evaluate), excluded = excludes.map(evaluate)
        var matching = included.first?.users ?? Bitmap()
        for result in included.dropFirst() { matching.formIntersection(result.users) }
        for result in excluded { matching.subtract(result.users) }
        return EventQueryResult(includes: included, excludes: excluded, matching: matching)
    }

    /// From the day indexes when there is nothing to filter, else one scan of the window's events.
    func evaluate(_ condition: EventCondition) -> ConditionResult {
        let type = condition.eventType
        if condition.filters.isEmpty && condition.minCount <= 1 {
            let indexes = condition.days.all.compactMap { days[$0] }
            return ConditionResult(users: Bitmap.union(of: indexes.compactMap { $0.users(ofType: type) }),
                                   events: indexes.reduce(0) { $0 + $1.count(ofType: type) })
        }
        var matcher = PropertySetMatcher(condition.filters, sets: propertySets)
        var counts: [UInt32: Int] = [:]
        var events = 0
        let startMs = calendar.startMs(of: condition.days.first), endMs = calendar.startMs(of: condition.days.last + 1)
        log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= startMs, chunk.minTimestamp < endMs else { return }
            for row in 0..<chunk.count where chunk.types[row] == type.rawValue {
                let ts = chunk.timestamps[row]
                guard ts >= startMs, ts < endMs, matcher.matches(chunk.propertySets[row], in: propertySets) else { continue }
                events += 1
                counts[users.canonical(chunk.users[row]), default: 0] += 1
            }
        }
        return ConditionResult(users: Bitmap(counts.filter { $0.value >= condition.minCount }.keys.sorted()), events: events)
    }
}
