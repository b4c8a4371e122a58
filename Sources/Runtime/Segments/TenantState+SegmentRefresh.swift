/// Keeping dynamic segments current. Users touched by watched events since the last refresh are
/// judged again one by one (a handful of bitmap lookups per rule); a segment is recomputed whole
/// instead when the day has turned (windows moved), when it has a rule that needs an event scan
/// or a table of accounts, or when so many users were touched that whole is cheaper.
extension TenantState {
    /// Brings every dynamic segment up to date for `nowMs`; returns who entered and left each.
    @discardableResult
    public mutating func refreshSegments(nowMs: Int64) -> [SegmentChange] {
        let today = day(of: nowMs)
        let whole = segments.refreshedDay != today || segments.watched.count != eventTypeNames.count
        if whole { rewatch() }
        guard whole || !segments.touched.isEmpty else { return [] }
        let touched = segments.touched.members
        var changes: [SegmentChange] = []
        for id in segments.dependencyOrder() {
            guard let segment = segments.byID[id], !segment.isStatic else { continue }
            let before = segment.members
            var after: Bitmap
            let lookup = segments.byID
            if whole || !segment.rules.allSatisfy(\.judgedPerUser) || touched.count * 16 > users.liveCount {
                after = members(of: segment.rules, today: today) { lookup[$0]?.members }
            } else {
                after = before
                for u in touched where users[u].mergedInto == u {
                    if matches(user: u, segment.rules, today: today, segments: lookup) { after.insert(u) } else { after.remove(u) }
                }
            }
            if after != before {
                segments.byID[id]!.members = after
                changes.append(SegmentChange(segment: id, entered: after.subtracting(before), exited: before.subtracting(after)))
            }
        }
        segments.touched = Bitmap()
        segments.refreshedDay = today
        return changes
    }

    /// Makes the next refresh work every dynamic segment out whole.
    public mutating func forgetSegmentRefresh() { segments.refreshedDay = nil }

    /// Whether one user meets every rule: the per-user form of the bitmap algebra.
    func matches(user u: UInt32, _ rules: [SegmentRule], today: DayNumber, segments: [Int: Segment]) -> Bool {
        rules.allSatisfy { matches(user: u, $0, today: today, segments: segments) }
    }

    private func matches(user u: UInt32, _ rule: SegmentRule, today: DayNumber, segments: [Int: Segment]) -> Bool {
        switch rule {
        case .all(let rules): return rules.allSatisfy { matches(user: u, $0, today: today, segments: segments) }
        case .any(let rules): return rules.contains { matches(user: u, $0, today: today, segments: segments) }
        case .not(let inner): return users[u].eventCount > 0 && !matches(user: u, inner, today: today, segments: segments)
        case .didEvent(let event, let within, _):
            guard let type = eventTypeIndex(event) else { return false }
            return ruleDays(within, today: today).contains { days[$0]?.users(ofType: type)?.contains(u) ?? false }
        case .didNotEvent(let event, let within):
            guard users[u].eventCount > 0 else { return false }
            guard let type = eventTypeIndex(event) else { return true }
            return !ruleDays(within, today: today).contains { days[$0]?.users(ofType: type)?.contains(u) ?? false }
        case .eventCount(let event, let comparison, let value, let within):
            guard users[u].eventCount > 0 else { return false }
            guard let type = eventTypeIndex(event) else { return comparison.holds(0, value) }
            let count = ruleDays(within, today: today).reduce(0) { $0 + (days[$1]?.count(ofType: type, user: u) ?? 0) }
            return comparison.holds(count, value)
        case .userProperty(let filter):
            guard users[u].eventCount > 0 else { return false }
            if let set = profiles.users[u]?.properties[filter.property] { return filter.matches(set) }
            let key = propertySets.keys.lookup(filter.property)
            let value = key.flatMap { propertySets.value(of: $0, in: PropertySetIndex(users[u].latestProperties)) }.map { propertySets.values.string($0) }
            return filter.matches(value)
        case .firstSeen(let within):
            return ruleDays(within, today: today).contains { days[$0]?.newUsers.contains(u) ?? false }
        case .lastSeen(let before):
            return users[u].eventCount > 0 && !ruleDays(before, today: today).contains { days[$0]?.active.contains(u) ?? false }
        case .inSegment(let id):
            return segments[id]?.members.contains(u) ?? false
        case .accountProperty, .visitorList:
            preconditionFailure("judged whole, never per user")
        }
    }
}

extension SegmentRule {
    /// Whether `matches(user:)` can judge the rule; the others are recomputed whole.
    var judgedPerUser: Bool {
        switch self {
        case .didEvent(_, _, let filters): filters.isEmpty
        // A listed id may be an alias of the user it was merged into: the list is resolved whole.
        case .accountProperty, .visitorList: false
        case .all(let rules), .any(let rules): rules.allSatisfy(\.judgedPerUser)
        case .not(let rule): rule.judgedPerUser
        default: true
        }
    }
}
