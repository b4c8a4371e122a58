/// A change to the stored events themselves: they are rewritten (or dropped) and every index
/// built from them is worked out again (docs/data-management.md).
public enum EventRewrite: Sendable, Equatable {
    /// Events of `eventType` (any type when nil) timed before `beforeMs` (any time when nil) go.
    case delete(eventType: String?, beforeMs: Int64?)
    /// Events of `source` become events of `target`.
    case mergeTypes(source: String, target: String)
    /// The property `source` becomes `target` on the events of `eventType` (every type when nil);
    /// an event that has both keeps `target`'s value.
    case mergeProperties(eventType: String?, source: String, target: String)
    /// Every event of these users (merged history included) goes, with their profiles and what
    /// nudges tracked of them: the Pendo-compatible API's bulk visitor delete.
    case deleteUsers([String])
    /// Every event naming these accounts goes, with their profiles.
    case deleteAccounts([String])
    /// The events at these places in the log go (counted from 1 since the tenant began, evicted
    /// events included, as the Personyze API's event ids are): a DELETE on `products_interactions`.
    case deleteEvents([Int])
}

/// The parts of the state that come from the events, worked out again.
public struct RebuiltEvents: Sendable {
    var log: EventLog
    var days: DayIndexes
    var minutes: MinuteRing
    var sessionIndex: SessionIndex
    var propertyDays: PropertyDayIndex
    var pageDays: PageDayIndex
    var productStats: ProductStatsIndex
    var users: UserTable
    var accounts: AccountTable
    var typeTotals: [Int]
    var newestTimestampMs: Int64?
    var propertySets: PropertySets
    var eventTypeNames: ByteInterner
    /// Events dropped (a delete) or changed (a merge).
    public var affected: Int
    public var kept: Int
    /// The state's version when this was worked out: installing it over a state that changed since
    /// (events, merges, identities set through the API) would lose those changes.
    var basis: UInt64
}

extension TenantState {
    /// The events as `rewrite` leaves them and the indexes built again from them (users through
    /// their merges, in log order as ingest applied them). Aggregates of evicted events are not
    /// rebuilt: a rewrite reaches the retained events only.
    public func rebuildingEvents(_ rewrite: EventRewrite, nowMs: Int64) -> RebuiltEvents {
        // What each event type and property set becomes.
        var typeMap = (0..<UInt32(eventTypeNames.count)).map { $0 }
        var dropType = [Bool](repeating: false, count: eventTypeNames.count)
        var setMap: [UInt32] = []
        var propertyTypes: [Bool]?
        var beforeMs = Int64.min
        var dropUsers = Set<UInt32>(), dropAccounts = Set<UInt32>()
        var dropIDs = Set<Int>()
        var position = log.evictedEvents
        return rebuilt(nowMs: nowMs, prepare: { fresh in
            switch rewrite {
            case .delete(let type, let before):
                if let type {
                    if let t = eventTypeNames.lookup(type) { dropType[Int(t)] = true } else { dropType = [] }
                } else { dropType = [Bool](repeating: true, count: eventTypeNames.count) }
                beforeMs = before ?? .max
            case .mergeTypes(let source, let target):
                if let s = eventTypeNames.lookup(source) {
                    let t = fresh.eventTypeNames.intern(target)
                    if Int(t) == fresh.typeTotals.count { fresh.typeTotals.append(0) }
                    typeMap[Int(s)] = t
                }
            case .mergeProperties(let type, let source, let target):
                setMap = fresh.propertySetsMerging(source: source, target: target)
                if let type {
                    // Only that type's events change: other types keep their sets.
                    propertyTypes = [Bool](repeating: false, count: eventTypeNames.count)
                    if let t = eventTypeNames.lookup(type) { propertyTypes![Int(t)] = true } else { setMap = [] }
                }
            case .deleteUsers(let names):
                dropUsers = Set(names.compactMap { userIndex($0)?.rawValue })
            case .deleteAccounts(let names):
                dropAccounts = Set(names.compactMap { accountIndex($0)?.rawValue })
            case .deleteEvents(let ids):
                dropIDs = Set(ids)
            }
        }) { event in
            position += 1
            if !dropIDs.isEmpty, dropIDs.contains(position) { return .dropped }
            let t = Int(event.type.rawValue)
            if !dropType.isEmpty, dropType[t], event.timestampMs < beforeMs { return .dropped }
            if !dropUsers.isEmpty, dropUsers.contains(event.user.rawValue) { return .dropped }
            if !dropAccounts.isEmpty, event.account != .none, dropAccounts.contains(event.account.rawValue) { return .dropped }
            var fate = RowFate.kept
            if typeMap[t] != event.type.rawValue { fate = .changed; event.type = EventTypeIndex(typeMap[t]) }
            if !setMap.isEmpty, propertyTypes?[t] ?? true {
                let set = setMap[Int(event.properties.rawValue)]
                if set != event.properties.rawValue { fate = .changed; event.properties = PropertySetIndex(set) }
            }
            return fate
        }
    }

    enum RowFate { case kept, changed, dropped }

    /// Every retained event put through `fate` (users already through their merges) and applied to
    /// empty indexes, after `prepare` adjusted the names and property sets the events will use.
    func rebuilt(nowMs: Int64, prepare: (inout TenantState) -> Void, _ fate: (inout StoredEvent) -> RowFate) -> RebuiltEvents {
        var fresh = self
        fresh.log = EventLog()
        fresh.log.evictedEvents = log.evictedEvents
        fresh.log.evictedBeforeMs = log.evictedBeforeMs
        fresh.days = DayIndexes()
        fresh.minutes = MinuteRing()
        fresh.sessionIndex = SessionIndex()
        fresh.propertyDays = PropertyDayIndex()
        fresh.pageDays = PageDayIndex()
        fresh.productStats = ProductStatsIndex()
        fresh.users = users.withoutEvents()
        fresh.accounts = AccountTable()
        for _ in 0..<accounts.count { fresh.accounts.add() }
        fresh.typeTotals = [Int](repeating: 0, count: typeTotals.count)
        fresh.newestTimestampMs = nil
        fresh.segments = Segments()   // touches are not wanted here; the installed state re-judges every user
        fresh.metadata = Metadata()   // kept events stay: Do Not Process drops only events that arrive after it
        prepare(&fresh)
        var affected = 0, kept = 0
        func visit(_ columns: EventColumns) {
            for row in 0..<columns.count {
                var event = columns[row]
                event.user = UserIndex(users.canonical(event.user.rawValue))
                switch fate(&event) {
                case .dropped: affected += 1; continue
                case .changed: affected += 1
                case .kept: break
                }
                kept += 1
                fresh.apply(event, nowMs: nowMs)
            }
        }
        for chunk in log.sealed { visit(chunk.columns) }
        visit(log.open)
        return RebuiltEvents(log: fresh.log, days: fresh.days, minutes: fresh.minutes, sessionIndex: fresh.sessionIndex, propertyDays: fresh.propertyDays, pageDays: fresh.pageDays, productStats: fresh.productStats,
                             users: fresh.users, accounts: fresh.accounts, typeTotals: fresh.typeTotals, newestTimestampMs: fresh.newestTimestampMs,
                             propertySets: fresh.propertySets, eventTypeNames: fresh.eventTypeNames, affected: affected, kept: kept, basis: version)
    }

    /// Whether `rebuilt` was worked out from the events as they are now.
    public func canInstall(_ rebuilt: RebuiltEvents) -> Bool { rebuilt.basis == version }

    /// Puts rebuilt events and indexes in place; dynamic segments are worked out whole at their next refresh.
    mutating func install(_ rebuilt: RebuiltEvents) {
        log = rebuilt.log; days = rebuilt.days; minutes = rebuilt.minutes; sessionIndex = rebuilt.sessionIndex
        propertyDays = rebuilt.propertyDays; pageDays = rebuilt.pageDays; productStats = rebuilt.productStats; users = rebuilt.users; accounts = rebuilt.accounts; typeTotals = rebuilt.typeTotals
        newestTimestampMs = rebuilt.newestTimestampMs; propertySets = rebuilt.propertySets; eventTypeNames = rebuilt.eventTypeNames
        forgetSegmentRefresh()
        eventsRewritten &+= 1
        version &+= 1
    }

    /// Per property set id, the set with `source` merged into `target` (new sets interned; a set
    /// without `source` maps to itself).
    mutating func propertySetsMerging(source: String, target: String) -> [UInt32] {
        guard let s = propertySets.keys.lookup(source) else { return [] }
        let targetName = target
        return (0..<UInt32(propertySets.count)).map { id in
            let pairs = propertySets.pairs(PropertySetIndex(id))
            guard pairs.contains(where: { $0.key == s }) else { return id }
            var decoded: [(String, String)] = []
            let hasTarget = pairs.contains { propertySets.keys.string($0.key) == targetName }
            for (key, value) in pairs {
                let name = propertySets.keys.string(key), text = propertySets.values.string(value)
                if key == s { if !hasTarget { decoded.append((targetName, text)) } } else { decoded.append((name, text)) }
            }
            return propertySets.intern(decoded).rawValue
        }
    }
}

extension UserTable {
    /// The same users (ids, identities and merges) with nothing recorded from events.
    func withoutEvents() -> UserTable {
        var table = UserTable()
        table.summaries = summaries.map { UserSummary(externalID: $0.externalID, mergedInto: $0.mergedInto, isAnonymous: $0.isAnonymous) }
        table.mergedCount = mergedCount
        return table
    }
}

extension TenantState {
    /// After a user delete: their profiles (aliases too) and every record nudges kept of them.
    mutating func forget(users deleted: Set<UInt32>) {
        guard !deleted.isEmpty else { return }
        for u in 0..<UInt32(users.count) where deleted.contains(users.canonical(u)) {
            profiles.users[u] = nil
            users.setExternalID(.max, of: u)
        }
        let gone = Bitmap(deleted)
        for id in nudges.byID.keys {
            var nudge = nudges.byID[id]!
            for u in deleted { nudge.shownAt[u] = nil }
            nudge.clicked.subtract(gone); nudge.dismissed.subtract(gone)
            nudge.history.removeAll { deleted.contains($0.user) }
            nudges.byID[id] = nudge
        }
    }
}
