/// Per-user questions: the most active users and one user's detail with their latest events.
extension TenantState {
    public struct UserActivity: Sendable, Equatable {
        public var user: String
        public var events: Int
        public var account: String?
        public var lastSeenMs: Int64
    }

    /// The users with the most events in `range` (ties by name), from one pass over the log.
    /// - Parameter filter: keeps only these users (members of the filtered accounts).
    public func topUsers(_ range: DayRange, limit: Int = 10, among filter: Bitmap? = nil) -> [UserActivity] {
        let startMs = calendar.startMs(of: range.first), endMs = calendar.startMs(of: range.last + 1)
        var counts = [Int32](repeating: 0, count: users.count)
        log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= startMs, chunk.minTimestamp < endMs else { return }
            chunk.timestamps.withUnsafeBufferPointer { timestamps in
                chunk.users.withUnsafeBufferPointer { rowUsers in
                    for row in 0..<timestamps.count where timestamps[row] >= startMs && timestamps[row] < endMs {
                        counts[Int(rowUsers[row])] += 1
                    }
                }
            }
        }
        // Merged users' events count for the user they were folded into.
        for u in 0..<counts.count where counts[u] > 0 && users[UInt32(u)].mergedInto != UInt32(u) {
            counts[Int(users.canonical(UInt32(u)))] += counts[u]
            counts[u] = 0
        }
        if let filter {
            for u in 0..<counts.count where counts[u] > 0 && !filter.contains(UInt32(u)) { counts[u] = 0 }
        }
        let top = counts.indices.filter { counts[$0] > 0 }
            .sorted { (counts[$0], userNames.string(UInt32($1))) > (counts[$1], userNames.string(UInt32($0))) }
            .prefix(limit)
        return top.map { u in
            let summary = users[UInt32(u)]
            return UserActivity(user: userNames.string(UInt32(u)), events: Int(counts[u]),
                                account: summary.account == AccountIndex.none.rawValue ? nil : accountNames.string(summary.account),
                                lastSeenMs: summary.lastSeen)
        }
    }

    public struct EventRecord: Sendable, Equatable {
        public var eventType: String
        public var timestampMs: Int64
        public var page: String?
        public var account: String?
        public var properties: [String: String]
    }

    public struct UserDetail: Sendable, Equatable {
        public var user: String
        public var isAnonymous: Bool
        public var firstSeenMs: Int64
        public var lastSeenMs: Int64
        public var events: Int
        public var account: String?
        public var externalID: String?
        /// Properties of the user's latest event, overlaid with those set through the API.
        public var properties: [String: String]
        public var notes: [Note]
        /// The latest events (merged history included), newest first.
        public var latestEvents: [EventRecord]
    }

    /// One user's summary and latest `eventsLimit` events; nil for an unknown user.
    public func userDetail(_ name: String, eventsLimit: Int) -> UserDetail? {
        guard let index = userIndex(name), users.hasEvents(index.rawValue) else { return nil }
        let u = index.rawValue
        let summary = users[u]
        // Newest events: only chunks that reach into the user's newest active days are read.
        let sinceMs = latestEventsStartMs(of: u, covering: eventsLimit)
        var found: [StoredEvent] = []
        log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= sinceMs else { return }
            for row in 0..<chunk.count where chunk.timestamps[row] >= sinceMs && users.canonical(chunk.users[row]) == u {
                found.append(chunk[row])
            }
        }
        found.sort { $0.timestampMs > $1.timestampMs }
        let records = found.prefix(eventsLimit).map { event in
            EventRecord(eventType: eventTypeNames.string(event.type.rawValue), timestampMs: event.timestampMs,
                        page: event.page == .none ? nil : pageNames.string(event.page.rawValue),
                        account: event.account == .none ? nil : accountNames.string(event.account.rawValue),
                        properties: propertySets.decoded(event.properties))
        }
        return UserDetail(user: userNames.string(u), isAnonymous: summary.isAnonymous, firstSeenMs: summary.firstSeen,
                          lastSeenMs: summary.lastSeen, events: Int(summary.eventCount),
                          account: summary.account == AccountIndex.none.rawValue ? nil : accountNames.string(summary.account),
                          externalID: externalID(of: index), properties: userProperties(u),
                          notes: profiles.user(u).notes, latestEvents: Array(records))
    }

    /// The start of the oldest of the user's newest active days that together hold at least
    /// `count` of their events (from the day indexes, merged history included), or of the day they
    /// were first seen: no newer-than-that event of theirs lies before it.
    func latestEventsStartMs(of user: UInt32, covering count: Int) -> Int64 {
        let firstDay = day(of: users[user].firstSeen)
        guard !days.isEmpty, count > 0 else { return calendar.startMs(of: firstDay) }
        var counted = 0
        var d = days.lastDay
        while d >= max(days.firstDay, firstDay) {
            if let index = days[d], index.active.contains(user) {
                for t in 0..<index.typeCounts.count { counted += index.count(ofType: EventTypeIndex(UInt32(t)), user: user) }
                if counted >= count { return calendar.startMs(of: d) }
            }
            d -= 1
        }
        return calendar.startMs(of: firstDay)
    }

    /// A user's properties: the latest event's, with those set through the API taking precedence.
    public func userProperties(_ user: UInt32) -> [String: String] {
        propertySets.decoded(PropertySetIndex(users[user].latestProperties)).merging(profiles.user(user).properties) { _, set in set }
    }

    public func userNotes(_ name: String) -> [Note]? {
        knownUser(name).map { profiles.user($0).notes }
    }

    public struct UserDay: Sendable, Equatable {
        public var day: DayNumber
        public var events: Int
        public var eventTypes: Int
    }

    /// One user's events and distinct event types per day (merged history included); nil for an unknown user.
    public func userTrend(_ name: String, range: DayRange) -> [UserDay]? {
        guard let u = knownUser(name) else { return nil }
        // Ids folded into this user, so rows need no merge-chasing.
        var mine = Bitmap()
        for id in 0..<UInt32(users.count) where users[id].mergedInto != id || id == u {
            if users.canonical(id) == u { mine.insert(id) }
        }
        let startMs = calendar.startMs(of: range.first), endMs = calendar.startMs(of: range.last + 1)
        var events = [Int](repeating: 0, count: range.count)
        var types = [Set<UInt32>](repeating: [], count: range.count)
        var calendar = self.calendar
        log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= startMs, chunk.minTimestamp < endMs else { return }
            for row in 0..<chunk.count where mine.contains(chunk.users[row]) {
                let ts = chunk.timestamps[row]
                guard ts >= startMs, ts < endMs else { continue }
                let slot = Int(calendar.day(of: ts) - range.first)
                events[slot] += 1
                types[slot].insert(chunk.types[row])
            }
        }
        return range.all.enumerated().map { UserDay(day: $1, events: events[$0], eventTypes: types[$0].count) }
    }
}
