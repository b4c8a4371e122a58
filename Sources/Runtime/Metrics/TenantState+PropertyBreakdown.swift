/// Breakdowns by a property over whole days without conditions, from the property day index (one
/// bitmap per day and value over the sealed chunks); only the open chunk is read row by row. Same
/// answers as the scan (checked in the tests).
extension TenantState {
    /// Whether `window` is made of whole tenant days at daily or longer points.
    func coversWholeDays(_ window: MetricsWindow) -> Bool {
        guard window.granularity != .minute, window.granularity != .hourly, !window.buckets.isEmpty else { return false }
        let days = window.days
        return window.startMs == calendar.startMs(of: days.first) && window.endMs == calendar.startMs(of: days.last + 1)
    }

    /// The key a question can be answered for from the property indexes, if it can.
    func indexedBreakdownKey(_ field: EventField?, window: MetricsWindow, conditions: [MetricsCondition]) -> UInt32? {
        guard conditions.isEmpty, case .property(let name)? = field, coversWholeDays(window) else { return nil }
        return propertySets.keys.lookup(name)
    }

    /// Per value of `key` and bucket of `window`: the sealed chunks' user bitmaps to unite and their
    /// events; nil when the day index cannot answer (the key is not indexed, has too many values on
    /// a day, or events in or before the window were evicted and may still count there).
    private func indexedParts(key: UInt32, window: MetricsWindow) -> [UInt32: (users: [[Bitmap]], events: [Int])]? {
        if log.evictedEvents > 0 {
            guard let bound = log.evictedBeforeMs, bound <= window.startMs else { return nil }
        }
        let width = window.buckets.count
        var parts: [UInt32: (users: [[Bitmap]], events: [Int])] = [:]
        func add(_ value: UInt32, _ bucket: Int, _ users: Bitmap, _ events: Int) {
            if parts[value] == nil { parts[value] = ([[Bitmap]](repeating: [], count: width), [Int](repeating: 0, count: width)) }
            parts[value]!.users[bucket].append(users)
            parts[value]!.events[bucket] += events
        }
        for (b, bucket) in window.buckets.enumerated() {
            for day in bucket.days.all {
                guard let (entry, lookup) = propertyDays.lookup(key: key, day: day), entry.events > 0 else { continue }
                switch lookup {
                case .unindexed:
                    return nil
                case .absent:
                    add(ChunkPropertyIndex.none, b, entry.users, entry.events)
                case .values(let keyDay):
                    for (value, part) in keyDay.values { add(value, b, part.users, part.events) }
                    if keyDay.noneEvents > 0 { add(ChunkPropertyIndex.none, b, entry.noneUsers(keyDay), keyDay.noneEvents) }
                }
            }
        }
        return parts
    }

    /// Maps logged users to the users they were merged into.
    func canonicalized(_ bitmap: Bitmap, mergedAway: Bitmap) -> Bitmap {
        let moved = bitmap.intersection(mergedAway)
        guard !moved.isEmpty else { return bitmap }
        return bitmap.subtracting(mergedAway).union(Bitmap(moved.members.map { users.canonical($0) }))
    }

    var mergedAwayUsers: Bitmap {
        users.mergedCount == 0 ? Bitmap() : Bitmap((0..<UInt32(users.count)).filter { users.canonical($0) != $0 })
    }

    /// `metricsUserSets(query)` from the property indexes, when they answer it.
    public func indexedUserSets(_ query: MetricsQuery) -> MetricsUserSets? {
        guard let key = indexedBreakdownKey(query.breakdown, window: query.window, conditions: query.conditions),
              let parts = indexedParts(key: key, window: query.window) else { return nil }
        let mergedAway = mergedAwayUsers
        var sets = MetricsUserSets(width: query.window.buckets.count)
        for (value, part) in parts {
            sets.byValue[value] = part.users.map { canonicalized(Bitmap.union(of: $0), mergedAway: mergedAway) }
        }
        sets.add(metricsUserSets(query, chunks: log.sealed.count..<log.chunkCount))
        return sets
    }

    /// Per value of a property over a whole-day window: its events and users, when the property
    /// indexes answer it.
    func indexedGroups(_ field: EventField, window: MetricsWindow, conditions: [MetricsCondition]) -> [UInt32: (events: Int, users: Bitmap)]? {
        guard let key = indexedBreakdownKey(field, window: window, conditions: conditions),
              let parts = indexedParts(key: key, window: window) else { return nil }
        let mergedAway = mergedAwayUsers
        var groups: [UInt32: (events: Int, users: Bitmap)] = [:]
        for (value, part) in parts {
            groups[value] = (part.events.reduce(0, +), canonicalized(Bitmap.union(of: part.users.joined()), mergedAway: mergedAway))
        }
        var dimension = EventDimension(field, in: self)
        var matcher = EventMatcher([], in: self)
        forEachMetricsEvent(in: window, matching: &matcher, chunks: log.sealed.count..<log.chunkCount) { event in
            let value = dimension.value(type: event.type, page: event.page, user: event.user, set: event.set, in: self)
            groups[value, default: (0, Bitmap())].events += 1
            groups[value]!.users.insert(event.user)
        }
        return groups
    }
}
