/// Feature adoption from the day indexes: who used an event type among the users active in the
/// same days. No event is scanned.
extension TenantState {
    public struct Adoption: Sendable, Equatable {
        public var eventType: String
        /// Distinct users who sent the event type in the range.
        public var users: Int
        /// Distinct users active in the range (the denominator).
        public var activeUsers: Int
        public var events: Int
        public var rate: Double { activeUsers == 0 ? 0 : Double(users) / Double(activeUsers) }
    }

    /// Users of `type` in `range` (canonical ids).
    func typeUsers(_ type: EventTypeIndex, in range: DayRange) -> Bitmap {
        Bitmap.union(of: range.all.compactMap { days[$0]?.users(ofType: type) })
    }

    /// Adoption of every event type seen in `range`, most adopted first.
    public func adoption(_ range: DayRange) -> [Adoption] {
        let active = distinctActiveUsers(range)
        return eventTypeUsage(range).map { Adoption(eventType: $0.name, users: $0.users, activeUsers: active, events: $0.count) }
            .sorted { ($0.users, $1.eventType) > ($1.users, $0.eventType) }
    }

    public struct AdoptionDay: Sendable, Equatable {
        public var day: DayNumber
        /// Users of the feature that day, active users that day.
        public var users: Int
        public var activeUsers: Int
        /// Distinct users of the feature from the range's first day up to this one.
        public var cumulativeUsers: Int
    }

    /// One feature's adoption over `range`, with a daily trend; nil when the type was never seen.
    public func adoption(of eventType: String, _ range: DayRange) -> (total: Adoption, daily: [AdoptionDay])? {
        guard let type = eventTypeIndex(eventType) else { return nil }
        var cumulative = Bitmap()
        var daily: [AdoptionDay] = []
        var events = 0
        for d in range.all {
            let index = days[d]
            let users = index?.users(ofType: type)
            if let users { cumulative.formUnion(users) }
            events += index?.count(ofType: type) ?? 0
            daily.append(AdoptionDay(day: d, users: users?.count ?? 0, activeUsers: index?.active.count ?? 0, cumulativeUsers: cumulative.count))
        }
        return (Adoption(eventType: eventType, users: cumulative.count, activeUsers: distinctActiveUsers(range), events: events), daily)
    }
}
