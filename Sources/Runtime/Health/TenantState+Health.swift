/// Account health from the day indexes, never from events: per account the per-day counts and
/// type masks of the window's days, and who of its users was active. A user belongs to the
/// account their latest event names. The list unites the window's active users once and counts
/// them per account; one account's history checks only its own users, day by day.
extension TenantState {
    /// Every account with an event on or before `day`, in account order.
    public func accountHealth(asOf day: DayNumber) -> [AccountHealth] {
        let n = accounts.count
        guard n > 0 else { return [] }
        let window = DayRange(days: HealthFormulas.windowDays, endingOn: day)
        let union = activeUsers(in: window)
        var active = [Int](repeating: 0, count: n), members = [Int](repeating: 0, count: n)
        users.summaries.withUnsafeBufferPointer { summaries in
            for u in summaries.indices where summaries[u].isKnown(id: u) && summaries[u].account != AccountIndex.none.rawValue {
                members[Int(summaries[u].account)] += 1
            }
            for u in union.members where summaries[Int(u)].account != AccountIndex.none.rawValue {
                active[Int(summaries[Int(u)].account)] += 1
            }
        }
        let yardsticks = healthYardsticks(asOf: day, activeUsers: union.count)
        var facts = (0..<n).map { _ in HealthFacts(day: day) }
        for a in 0..<n { facts[a].users = members[a]; facts[a].activeUsers = active[a] }
        addDayFacts(into: &facts, accounts: 0..<n, asOf: day, yardsticks: yardsticks)
        let dayEndMs = calendar.startMs(of: day + 1)
        return (0..<n).compactMap { a in
            let summary = accounts.summaries[a]
            guard summary.eventCount > 0, summary.firstSeen < dayEndMs else { return nil }
            return HealthFormulas.health(of: AccountIndex(UInt32(a)), facts[a], settings: health.settings)
        }
    }

    /// One account's health on each day of `range`; nil for days before its first event.
    public func accountHealthHistory(_ account: AccountIndex, range: DayRange) -> [AccountHealth?] {
        let a = Int(account.rawValue)
        guard a < accounts.count else { return range.all.map { _ in nil } }
        let memberIDs = accounts.users[a].members.filter { users[$0].isKnown(id: Int($0)) && users[$0].account == account.rawValue }
        // The tenant's monthly active users at each day of the range, in one sliding pass.
        let lookback = DayNumber(HealthFormulas.windowDays - 1)
        let activeSets = (range.first - lookback...range.last).map { days[$0]?.active ?? Bitmap() }
        let monthlyActive = SlidingUnion.counts(activeSets, window: HealthFormulas.windowDays, firstEnd: Int(lookback))
        // Per day from the first window's start: which of the account's users were active.
        let activeDays = (range.first - lookback...range.last).map { d in days[d].map { index in memberIDs.map { index.active.contains($0) } } }
        return range.all.enumerated().map { i, day in
            guard accounts.summaries[a].eventCount > 0, accounts.summaries[a].firstSeen < calendar.startMs(of: day + 1) else { return nil }
            var facts = [HealthFacts(day: day)]
            facts[0].users = memberIDs.count
            facts[0].activeUsers = memberIDs.indices.filter { m in activeDays[i...(i + Int(lookback))].contains { $0?[m] == true } }.count
            addDayFacts(into: &facts, accounts: a..<(a + 1), asOf: day, yardsticks: healthYardsticks(asOf: day, activeUsers: monthlyActive[i]))
            return HealthFormulas.health(of: account, facts[0], settings: health.settings)
        }
    }

    /// What scores are measured against on `day`: the tenant's event types used in the window
    /// (at most 10 score full breadth) and its events per active user.
    struct HealthYardsticks { var breadthTarget: Int; var eventsPerActiveUser: Double }

    func healthYardsticks(asOf day: DayNumber, activeUsers: Int) -> HealthYardsticks {
        var typesUsed = Set<Int>(), events = 0
        for d in DayRange(days: HealthFormulas.windowDays, endingOn: day).all {
            guard let index = days[d] else { continue }
            events += index.eventCount
            for t in index.typeCounts.indices where index.typeCounts[t] > 0 { typesUsed.insert(t) }
        }
        return HealthYardsticks(breadthTarget: max(1, min(HealthFormulas.breadthTargetMax, typesUsed.count)),
                                eventsPerActiveUser: activeUsers == 0 ? 0 : Double(events) / Double(activeUsers))
    }

    /// Events, the two halves, the last day with an event and the types used, from each day's
    /// per-account counts; `facts[i]` is account `accounts.lowerBound + i`.
    private func addDayFacts(into facts: inout [HealthFacts], accounts range: Range<Int>, asOf day: DayNumber, yardsticks: HealthYardsticks) {
        let recentFrom = day - DayNumber(HealthFormulas.halfWindowDays) + 1, priorFrom = recentFrom - DayNumber(HealthFormulas.halfWindowDays)
        let windowFirst = day - DayNumber(HealthFormulas.windowDays) + 1
        var masks = [UInt64](repeating: 0, count: range.count)
        var overflow: Set<UInt64> = []
        for d in min(priorFrom, windowFirst)...day {
            guard let index = days[d] else { continue }
            let inWindow = d >= windowFirst
            index.accountCounts.withUnsafeBufferPointer { counts in
                for a in range.lowerBound..<max(range.lowerBound, min(range.upperBound, counts.count)) where counts[a] > 0 {
                    let i = a - range.lowerBound, c = Int(counts[a])
                    if d >= recentFrom { facts[i].recentEvents += c } else if d >= priorFrom { facts[i].priorEvents += c }
                    guard inWindow else { continue }
                    facts[i].events += c
                    facts[i].lastEventDay = d
                    masks[i] |= index.accountTypeMasks[a]
                }
            }
            if inWindow { overflow.formUnion(index.accountTypeOverflow) }
        }
        for i in facts.indices {
            facts[i].eventTypes = masks[i].nonzeroBitCount
            facts[i].breadthTarget = yardsticks.breadthTarget
            facts[i].tenantEventsPerActiveUser = yardsticks.eventsPerActiveUser
        }
        for key in overflow where range.contains(Int(key >> 32)) { facts[Int(key >> 32) - range.lowerBound].eventTypes += 1 }
    }
}
