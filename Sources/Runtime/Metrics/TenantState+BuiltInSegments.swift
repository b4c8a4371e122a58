/// The metrics API's eight built-in segments (`/metrics/segments`), as of a day T over the
/// range's n days, from the day indexes and the user table (docs/metrics-api.md defines them).
public enum BuiltInSegment: String, Sendable, CaseIterable {
    case new, active, resurrected, atRisk = "at_risk", dormant, churned, power, casual
}

extension TenantState {
    /// Each segment's members as of `asOf`, over the `rangeDays` days ending with it.
    public func builtInSegments(asOf day: DayNumber, rangeDays: Int) -> [BuiltInSegment: Bitmap] {
        func active(_ daysBefore: ClosedRange<Int>) -> Bitmap {
            Bitmap.union(of: daysBefore.compactMap { days[day - DayNumber($0)]?.active })
        }
        let lastWeek = active(0...6)
        let new = Bitmap.union(of: (0...6).compactMap { days[day - DayNumber($0)]?.newUsers }).intersection(lastWeek)
        let weekBefore = active(7...13)
        let month = active(0...29)
        // Users first seen before a day: from the user table (first events survive retention).
        func seenBefore(_ first: DayNumber) -> Bitmap {
            let startMs = calendar.startMs(of: first)
            return Bitmap((0..<users.count).lazy.filter { users.summaries[$0].isKnown(id: $0) && users.summaries[$0].firstSeen < startMs }.map { UInt32($0) })
        }
        // Active days per user over the range, for power and casual.
        var activeDays = [UInt16](repeating: 0, count: users.count)
        for d in 0..<rangeDays { for u in days[day - DayNumber(d)]?.active.members ?? [] { activeDays[Int(u)] += 1 } }
        let powerDays = (rangeDays + 1) / 2
        return [
            .new: new,
            .active: lastWeek.subtracting(new),
            .resurrected: lastWeek.subtracting(active(7...20)).subtracting(new).intersection(seenBefore(day - 20)),
            .atRisk: weekBefore.subtracting(lastWeek),
            .dormant: active(14...29).subtracting(active(0...13)),
            .churned: seenBefore(day - 29).subtracting(month),
            .power: Bitmap(activeDays.indices.lazy.filter { Int(activeDays[$0]) >= powerDays }.map { UInt32($0) }),
            .casual: Bitmap(activeDays.indices.lazy.filter { activeDays[$0] > 0 && Int(activeDays[$0]) * 4 < rangeDays }.map { UInt32($0) }),
        ]
    }
}

extension TenantState {
    public struct SegmentMember: Sendable, Equatable {
        public var user: String
        public var firstSeenMs: Int64
        public var lastSeenMs: Int64
        public var events: Int
    }

    /// A page of a built-in segment's members, in the order users were first seen, and how many
    /// there are in all.
    public func builtInSegmentMembers(_ segment: BuiltInSegment, asOf day: DayNumber, rangeDays: Int,
                                      offset: Int, limit: Int) -> (total: Int, members: [SegmentMember]) {
        let members = builtInSegments(asOf: day, rangeDays: rangeDays)[segment] ?? Bitmap()
        let page = members.members(offset: offset, limit: limit).map { u in
            let s = users.summaries[Int(u)]
            return SegmentMember(user: userNames.string(u), firstSeenMs: s.firstSeen, lastSeenMs: s.lastSeen, events: Int(s.eventCount))
        }
        return (members.count, page)
    }
}
