/// Rules compiled to bitmap algebra over the day indexes: each node becomes a set of users, and
/// `all`/`any`/`not` become intersection, union and difference from the known users. Only
/// `did_event` with property filters reads events (one scan of its type in its window).
extension TenantState {
    /// Users who stand on their own (not merged into another) and have events: the universe
    /// that `not`, `did_not_event` and `last_seen` subtract from.
    public func knownUsers() -> Bitmap {
        var ids: [UInt32] = []
        ids.reserveCapacity(users.count)
        users.summaries.withUnsafeBufferPointer { all in
            for u in 0..<all.count where all[u].isKnown(id: u) { ids.append(UInt32(u)) }
        }
        return Bitmap(ids)
    }

    /// How many users `knownUsers()` holds.
    public var knownUserCount: Int {
        users.summaries.withUnsafeBufferPointer { all in
            var n = 0
            for u in 0..<all.count where all[u].isKnown(id: u) { n += 1 }
            return n
        }
    }

    /// The days a rule's window covers: the last `withinDays` days ending `today`, or every day kept.
    func ruleDays(_ withinDays: Int?, today: DayNumber) -> ClosedRange<DayNumber> {
        if let withinDays { return (today - DayNumber(withinDays) + 1)...today }
        guard !days.isEmpty else { return today...today }
        return min(days.firstDay, today)...max(days.lastDay, today)
    }

    /// The users `rules` (all of which must hold) select today.
    /// - Parameter segment: another segment's current members, for `in_segment`.
    public func members(of rules: [SegmentRule], today: DayNumber, segment: (Int) -> Bitmap?) -> Bitmap {
        withoutActuallyEscaping(segment) { segment in
            var evaluation = RuleEvaluation(state: self, today: today, segment: segment)
            return evaluation.members(SegmentRule.all(rules))
        }
    }

    /// The users with events whom `ids` name (an alias names the user it was merged into).
    func listedUsers(_ ids: Set<String>) -> Bitmap {
        var found: [UInt32] = []
        found.reserveCapacity(ids.count)
        for id in ids { if let u = userIndex(id)?.rawValue, users.hasEvents(u) { found.append(u) } }
        return Bitmap(found)
    }

    /// Users of one type in a window, from the day bitmaps.
    func usersWhoDid(_ type: EventTypeIndex, in window: ClosedRange<DayNumber>) -> Bitmap {
        Bitmap.union(of: window.compactMap { days[$0]?.users(ofType: type) })
    }

    /// Users with an event of `type` passing `filters` in the window: one scan of the window's events.
    func usersWhoDid(_ type: EventTypeIndex, filters: [PropertyFilter], in window: ClosedRange<DayNumber>) -> Bitmap {
        var matcher = PropertySetMatcher(filters, sets: propertySets)
        let startMs = calendar.startMs(of: window.lowerBound), endMs = calendar.startMs(of: window.upperBound + 1)
        var found = Bitmap()
        log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= startMs, chunk.minTimestamp < endMs else { return }
            for row in 0..<chunk.count where chunk.types[row] == type.rawValue {
                let ts = chunk.timestamps[row]
                if ts >= startMs, ts < endMs, matcher.matches(chunk.propertySets[row], in: propertySets) { found.insert(users.canonical(chunk.users[row])) }
            }
        }
        return found
    }

    /// Each user's events of `type` in the window, indexed by user id, from the day bitmaps and
    /// their repeat counts.
    func eventCounts(of type: EventTypeIndex, in window: ClosedRange<DayNumber>) -> [Int32] {
        var counts = [Int32](repeating: 0, count: users.count)
        counts.withUnsafeMutableBufferPointer { counts in
            for d in window {
                guard let index = days[d], let bitmap = index.users(ofType: type) else { continue }
                for u in bitmap.members { counts[Int(u)] &+= 1 }
                for (u, extra) in index.typeExtraCounts[Int(type.rawValue)] { counts[Int(u)] &+= Int32(extra) }
            }
        }
        return counts
    }
}

/// One evaluation of a rule tree, with the universe worked out at most once.
struct RuleEvaluation {
    let state: TenantState
    let today: DayNumber
    let segment: (Int) -> Bitmap?
    private var universeCache: Bitmap?

    init(state: TenantState, today: DayNumber, segment: @escaping (Int) -> Bitmap?) {
        self.state = state; self.today = today; self.segment = segment
    }

    mutating func universe() -> Bitmap {
        if let universeCache { return universeCache }
        let all = state.knownUsers()
        universeCache = all
        return all
    }

    /// The users `rule` selects. With `candidates`, only those need judging (the answer may then
    /// hold only candidates): `all` passes what its earlier rules kept to the later ones, so
    /// `not`, `did_not_event`, `last_seen` and property tests subtract from or look through a
    /// small set instead of every user.
    mutating func members(_ rule: SegmentRule, within candidates: Bitmap? = nil) -> Bitmap {
        func base() -> Bitmap { candidates ?? universe() }
        switch rule {
        case .all(let rules):
            // Sets that come straight from the indexes first; the rules that narrow a set after.
            let ordered = rules.filter { !$0.narrows } + rules.filter(\.narrows)
            var result = candidates
            for r in ordered {
                if let current = result, current.isEmpty { return current }
                let found = members(r, within: result)
                result = result.map { $0.intersection(found) } ?? found
            }
            return result ?? universe()
        case .any(let rules):
            return Bitmap.union(of: rules.map { members($0, within: candidates) })
        case .not(let rule):
            return base().subtracting(members(rule, within: candidates))
        case .didEvent(let event, let within, let filters):
            guard let type = state.eventTypeIndex(event) else { return Bitmap() }
            let window = state.ruleDays(within, today: today)
            return filters.isEmpty ? state.usersWhoDid(type, in: window) : state.usersWhoDid(type, filters: filters, in: window)
        case .didNotEvent(let event, let within):
            guard let type = state.eventTypeIndex(event) else { return base() }
            return base().subtracting(state.usersWhoDid(type, in: state.ruleDays(within, today: today)))
        case .eventCount(let event, let comparison, let value, let within):
            let zeroHolds = comparison.holds(0, value)
            guard let type = state.eventTypeIndex(event) else { return zeroHolds ? base() : Bitmap() }
            let counts = state.eventCounts(of: type, in: state.ruleDays(within, today: today))
            // Walking the counts in id order yields sorted ids without a sort.
            var holding: [UInt32] = [], failing: [UInt32] = []
            counts.withUnsafeBufferPointer { counts in
                for u in 0..<counts.count where counts[u] > 0 {
                    if comparison.holds(Int(counts[u]), value) { holding.append(UInt32(u)) } else { failing.append(UInt32(u)) }
                }
            }
            return zeroHolds ? base().subtracting(Bitmap(failing)) : Bitmap(holding)
        case .userProperty(let filter):
            return userPropertyMatches(filter, within: candidates)
        case .accountProperty(let filter):
            let kept = (0..<state.accounts.count).filter { filter.matches(state.profiles.account(AccountIndex(UInt32($0))).properties[filter.property]) }
            return Bitmap.union(of: kept.map { state.accounts.users[$0] }).intersection(universe())
        case .firstSeen(let within):
            return Bitmap.union(of: state.ruleDays(within, today: today).compactMap { state.days[$0]?.newUsers })
        case .lastSeen(let before):
            return base().subtracting(Bitmap.union(of: state.ruleDays(before, today: today).compactMap { state.days[$0]?.active }))
        case .inSegment(let id):
            return segment(id) ?? Bitmap()
        case .visitorList(let ids):
            let found = state.listedUsers(ids)
            return candidates.map { found.intersection($0) } ?? found
        }
    }

    /// The API-set value wins; otherwise the latest event's, judged once per property set.
    private mutating func userPropertyMatches(_ filter: PropertyFilter, within candidates: Bitmap?) -> Bitmap {
        var matcher = PropertySetMatcher([filter], sets: state.propertySets)
        var ids: [UInt32] = []
        state.users.summaries.withUnsafeBufferPointer { all in
            func judge(_ u: Int) {
                if all[u].isKnown(id: u) && matcher.matches(all[u].latestProperties, in: state.propertySets) { ids.append(UInt32(u)) }
            }
            if let candidates { for u in candidates.members { judge(Int(u)) } } else { for u in 0..<all.count { judge(u) } }
        }
        var result = Bitmap(ids)
        // The few users with the property set through the API are judged on that value instead.
        for (u, profile) in state.profiles.users {
            guard let value = profile.properties[filter.property], state.users[u].eventCount > 0, candidates?.contains(u) ?? true else { continue }
            if filter.matches(value) { result.insert(u) } else { result.remove(u) }
        }
        return result
    }
}

extension SegmentRule {
    /// Rules answered by narrowing a set of candidates rather than building one from the indexes.
    var narrows: Bool {
        switch self {
        case .not, .didNotEvent, .lastSeen, .userProperty: true
        case .eventCount(_, let comparison, let value, _): comparison.holds(0, value)
        default: false
        }
    }
}
