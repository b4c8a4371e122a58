/// `POST /metrics/grouped`: each group's share of a whole with two measures per group (a
/// treemap's area and shading), from one scan over the range.
public enum GroupedSize: Sendable, Equatable {
    case count, uniqueActors
    case sum(property: String)
}

public enum GroupedIntensity: Sendable, Equatable {
    case avgPerActor, uniqueActors
    /// Nearest rank of the per-user event counts: the ⌈q·n⌉-th smallest, q in (0, 1].
    case percentilePerActor(Double)
    case avg(property: String)
}

public struct GroupedRow: Sendable, Equatable {
    public var dimension: MetricsSeries.Dimension
    public var size: Double
    /// Nil when the group has nothing to average.
    public var intensity: Double?
}

extension TenantState {
    /// The groups of `groupBy` over the events of `query` (its window taken whole), largest size
    /// first; past `maxGroups` the rest are one `other` group, measured over all their events.
    public func groupedMetrics(_ query: MetricsQuery, groupBy: EventField, size: GroupedSize, intensity: GroupedIntensity, maxGroups: Int) -> [GroupedRow] {
        if let rows = indexedGroupedMetrics(query, groupBy: groupBy, size: size, intensity: intensity, maxGroups: maxGroups) { return rows }
        struct Group {
            var events = 0
            var perUser: [UInt32: Int] = [:]
            var sizeNumbers = NumberSummary()
            var intensityNumbers = NumberSummary()
        }
        var matcher = EventMatcher(query.conditions, in: self)
        let dimension = EventDimension(groupBy, in: self)
        var sizeNumber: EventNumber? = if case .sum(let p) = size { EventNumber(key: p, in: self) } else { nil }
        var intensityNumber: EventNumber? = if case .avg(let p) = intensity { EventNumber(key: p, in: self) } else { nil }
        // The first groups count events per user in a dense array (one add per event), later
        // ones in a dictionary.
        var slotting = DimensionSlots(groupBy, in: self)
        var slots: [Group] = []
        var dense: [[UInt32]] = []
        let denseSlots = users.count <= 1 << 20 ? 32 : 0
        forEachMetricsEvent(in: query.window, matching: &matcher) { event in
            let slot = slotting.slot(type: event.type, page: event.page, user: event.user, set: event.set, in: self)
            if slot == slots.count {
                slots.append(Group())
                if slot < denseSlots { dense.append([UInt32](repeating: 0, count: users.count)) }
            }
            slots[slot].events += 1
            if slot < dense.count { dense[slot][Int(event.user)] &+= 1 } else { slots[slot].perUser[event.user, default: 0] += 1 }
            if let x = sizeNumber?.value(set: event.set, in: self) { slots[slot].sizeNumbers.add(x) }
            if let x = intensityNumber?.value(set: event.set, in: self) { slots[slot].intensityNumbers.add(x) }
        }
        for (slot, counts) in dense.enumerated() {
            for (user, n) in counts.enumerated() where n > 0 { slots[slot].perUser[UInt32(user)] = Int(n) }
        }
        var groups: [UInt32: Group] = [:]
        for (slot, value) in slotting.values.enumerated() { groups[value] = slots[slot] }
        func measure(_ g: Group) -> (size: Double, intensity: Double?) {
            let sizeValue: Double = switch size {
            case .count: Double(g.events)
            case .uniqueActors: Double(g.perUser.count)
            case .sum: g.sizeNumbers.sum
            }
            let intensityValue: Double? = switch intensity {
            case .avgPerActor: g.perUser.isEmpty ? nil : Double(g.events) / Double(g.perUser.count)
            case .uniqueActors: Double(g.perUser.count)
            case .percentilePerActor(let q): Self.nearestRank(g.perUser.values.map(Double.init), q)
            case .avg: g.intensityNumbers.value(.avg)
            }
            return (sizeValue, intensityValue)
        }
        return Self.ranked(groups.map { (dimension.name($0.key, in: self), $0.value) }, maxGroups: maxGroups, measure: measure) { rest in
            var other = Group()
            for group in rest {
                other.events += group.events
                other.perUser.merge(group.perUser, uniquingKeysWith: +)
                other.sizeNumbers.add(group.sizeNumbers)
                other.intensityNumbers.add(group.intensityNumbers)
            }
            return other
        }
    }

    /// The same from the property indexes, for the measures that need only events and users per
    /// group; nil when they do not answer it.
    func indexedGroupedMetrics(_ query: MetricsQuery, groupBy: EventField, size: GroupedSize, intensity: GroupedIntensity, maxGroups: Int) -> [GroupedRow]? {
        guard size == .count || size == .uniqueActors, intensity == .avgPerActor || intensity == .uniqueActors,
              let groups = indexedGroups(groupBy, window: query.window, conditions: query.conditions) else { return nil }
        let dimension = EventDimension(groupBy, in: self)
        typealias Group = (events: Int, users: Bitmap)
        func measure(_ g: Group) -> (size: Double, intensity: Double?) {
            let users = g.users.count
            let intensityValue: Double? = intensity == .uniqueActors ? Double(users) : users == 0 ? nil : Double(g.events) / Double(users)
            return (size == .count ? Double(g.events) : Double(users), intensityValue)
        }
        return Self.ranked(groups.map { (dimension.name($0.key, in: self), $0.value) }, maxGroups: maxGroups, measure: measure) { rest in
            (rest.reduce(0) { $0 + $1.events }, Bitmap.union(of: rest.map(\.users)))
        }
    }

    /// Groups largest size first (ties by name); past `maxGroups` the rest merged into `other`.
    static func ranked<Group>(_ groups: [(name: String?, group: Group)], maxGroups: Int, measure: (Group) -> (size: Double, intensity: Double?),
                              merge: ([Group]) -> Group) -> [GroupedRow] {
        let ranked = groups.map { (name: $0.name, group: $0.group, measured: measure($0.group)) }
            .sorted { ($0.measured.size, $1.name ?? "") > ($1.measured.size, $0.name ?? "") }
        var rows = ranked.prefix(maxGroups).map { GroupedRow(dimension: $0.name.map { .value($0) } ?? .none, size: $0.measured.size, intensity: $0.measured.intensity) }
        if ranked.count > maxGroups {
            let measured = measure(merge(ranked.dropFirst(maxGroups).map(\.group)))
            rows.append(GroupedRow(dimension: .other, size: measured.size, intensity: measured.intensity))
        }
        return rows
    }

    /// The ⌈q·n⌉-th smallest of `values` (at least the first); nil for none.
    static func nearestRank(_ values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        // Less a hair, so 0.7 × 10 (7.000000000000001 in floating point) ranks 7, not 8.
        let rank = Int((q * Double(sorted.count) - 1e-9).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
