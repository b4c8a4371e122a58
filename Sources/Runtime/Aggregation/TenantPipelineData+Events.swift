/// The grouped event sources (`events`, `pageEvents`, `featureEvents`, `trackEvents`): one row per visitor,
/// account, period, object, user agent and IP, with `numEvents` and `numMinutes` (distinct
/// minutes with an event), read from the log's columns.
extension TenantPipelineData {
    struct GroupKey: Hashable {
        var user: UInt32, account: UInt32, bucket: Int32, object: UInt32, agent: UInt32, ip: UInt32
    }

    /// What a grouped source counts: every event, page loads (object = page), feature events
    /// (object = feature) or track events (object = type).
    enum EventScope {
        case all, pages, features, tracks
        init(_ kind: PipelineSource.Kind) {
            self = switch kind { case .pageEvents: .pages; case .featureEvents: .features; case .trackEvents: .tracks; default: .all }
        }
    }

    static let missing = UInt32.max

    func groupedEvents(_ source: PipelineSource, _ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow] {
        guard let series = source.timeSeries else { return [] }
        let scope = EventScope(source.kind)
        var boundaries = [series.firstMs]
        for _ in 0..<series.count { boundaries.append(series.period.advance(boundaries.last!, by: 1, &calendar)) }
        let features = scope == .features ? FeatureTags(state, pages: pageTags, ids: source.objectIDs) : nil
        let typeAllowed = features.map { f in (0..<state.eventTypeNames.count).map { f.readsType(UInt32($0)) } } ?? allowedTypes(scope, ids: source.objectIDs)
        let pageSelection = scope == .pages ? pageTags.selection(source.objectIDs) : nil
        let appFilter = apps.filter(source)
        let everyObject: [UInt32] = [0]
        let typeObjects = (0..<UInt32(state.eventTypeNames.count)).map { [$0] }
        let keys = state.propertySets.keys
        let agentKeys = ["user_agent", "browser"].compactMap { keys.lookup($0) }
        let ipKey = keys.lookup("ip")
        var propertyCache: [UInt32: (agent: UInt32, ip: UInt32)] = [:]
        var slots: [GroupKey: Int] = [:]
        var order: [GroupKey] = []
        var counts: [Int] = [], lastMinute: [Int32] = [], distinctMinutes: [Int] = []
        var minutes: [UInt64] = []
        var unordered = false
        let chunks = state.log.sealed.map(\.columns) + [state.log.open]
        let canonical = canonicalUsers
        for chunk in chunks where chunk.count > 0 && chunk.maxTimestamp >= series.firstMs && chunk.minTimestamp < series.endMs {
            var bucket = 0
            for row in 0..<chunk.count {
                try budget.tick()
                let t = chunk.timestamps[row]
                guard t >= series.firstMs, t < series.endMs, typeAllowed[Int(chunk.types[row])] else { continue }
                let page = chunk.pages[row]
                let set = chunk.propertySets[row]
                if let appFilter, !appFilter.contains(apps.app(ofSet: set)) { continue }
                let objects: [UInt32] = switch scope {
                case .all: everyObject
                case .tracks: typeObjects[Int(chunk.types[row])]
                case .pages: page == PageIndex.none.rawValue ? [] : pageSelection![Int(page)]
                case .features: features!.matches(type: chunk.types[row], set: set, page: page)
                }
                if objects.isEmpty { continue }
                if t < boundaries[bucket] || t >= boundaries[bucket + 1] { bucket = Self.bucket(of: t, in: boundaries) }
                let props: (agent: UInt32, ip: UInt32)
                if let cached = propertyCache[set] { props = cached } else {
                    let index = PropertySetIndex(set)
                    let agent = agentKeys.lazy.compactMap { self.state.propertySets.value(of: $0, in: index) }.first ?? Self.missing
                    props = (agent, ipKey.flatMap { state.propertySets.value(of: $0, in: index) } ?? Self.missing)
                    propertyCache[set] = props
                }
                let user = canonical[Int(chunk.users[row])]
                let minute = Int32((t - boundaries[bucket]) / 60_000)
                for object in objects {
                    let key = GroupKey(user: user, account: chunk.accounts[row], bucket: Int32(bucket), object: object, agent: props.agent, ip: props.ip)
                    let slot: Int
                    if let s = slots[key] { slot = s } else {
                        slot = order.count
                        slots[key] = slot
                        order.append(key); counts.append(0); lastMinute.append(-1); distinctMinutes.append(0)
                        try budget.check(rows: order.count)
                    }
                    counts[slot] += 1
                    if minute != lastMinute[slot] {
                        if minute < lastMinute[slot] { unordered = true }
                        lastMinute[slot] = minute
                        distinctMinutes[slot] += 1
                        minutes.append(UInt64(slot) << 32 | UInt64(UInt32(minute)))
                    }
                }
            }
        }
        if unordered { distinctMinutes = Self.distinctMinutes(minutes, slots: order.count) }
        return try rows(order, counts: counts, minutes: distinctMinutes, scope: scope, period: series.period, boundaries: boundaries, &budget)
    }

    /// Recounts distinct minutes per slot when some slot's events came out of time order.
    static func distinctMinutes(_ pairs: [UInt64], slots: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: slots)
        var previous = UInt64.max
        for pair in pairs.sorted() where pair != previous {
            counts[Int(pair >> 32)] += 1
            previous = pair
        }
        return counts
    }

    static func bucket(of t: Int64, in boundaries: [Int64]) -> Int {
        var lo = 0, hi = boundaries.count - 1   // boundaries[lo] <= t < boundaries[hi]
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if boundaries[mid] <= t { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// Per event type, whether the source counts it.
    func allowedTypes(_ scope: EventScope, ids: [String]?) -> [Bool] {
        let wanted = ids.map(Set.init)
        return (0..<state.eventTypeNames.count).map { t in
            let name = state.eventTypeNames.string(UInt32(t))
            switch scope {
            case .all: return true
            case .pages: return PendoIDs.pageViewTypes.contains(name)
            case .features: return state.tagging.features.values.contains { $0.readTypes.contains(name) && (wanted?.contains($0.id) ?? true) }
            case .tracks:
                guard !PendoIDs.notTrackTypes.contains(name) else { return false }
                return wanted.map { $0.contains(name) || $0.contains(PendoIDs.objectID(name)) } ?? true
            }
        }
    }

    func rows(_ keys: [GroupKey], counts: [Int], minutes: [Int], scope: EventScope, period: PipelinePeriod, boundaries: [Int64],
              _ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow] {
        var visitorNames: [UInt32: PipelineValue] = [:], accountNames: [UInt32: PipelineValue] = [:], values: [UInt32: PipelineValue] = [:]
        var objects: [UInt32: PipelineValue] = [:]
        let featureIDs = scope == .features ? state.tagging.features.keys.sorted() : []
        let app = PipelineValue(PipelineEnvironment.appID)
        var rows: [PipelineRow] = []
        rows.reserveCapacity(keys.count)
        for (i, key) in keys.enumerated() {
            try budget.tick()
            if visitorNames[key.user] == nil { visitorNames[key.user] = .string(state.userNames.string(key.user)) }
            if accountNames[key.account] == nil {
                accountNames[key.account] = key.account == AccountIndex.none.rawValue ? .null : .string(state.accountNames.string(key.account))
            }
            var row: PipelineRow = ["visitorId": visitorNames[key.user]!, "accountId": accountNames[key.account]!, "appId": app,
                                    period.field: PipelineValue(boundaries[Int(key.bucket)]),
                                    "numEvents": PipelineValue(counts[i]), "numMinutes": PipelineValue(minutes[i])]
            for (field, value) in [("userAgent", key.agent), ("remoteIp", key.ip)] {
                if value == Self.missing { row[field] = field == "userAgent" ? .string("") : .null; continue }
                if values[value] == nil { values[value] = .string(state.propertySets.values.string(value)) }
                row[field] = values[value]!
            }
            switch scope {
            case .all: row["pageId"] = .string("allevents")
            case .pages:
                if objects[key.object] == nil { objects[key.object] = .string(pageTags.id(of: key.object)) }
                row["pageId"] = objects[key.object]!
            case .features:
                if objects[key.object] == nil { objects[key.object] = .string(featureIDs[Int(key.object)]) }
                row["featureId"] = objects[key.object]!
            case .tracks:
                if objects[key.object] == nil { objects[key.object] = .string(PendoIDs.objectID(state.eventTypeNames.string(key.object))) }
                row["trackTypeId"] = objects[key.object]!
            }
            rows.append(row)
        }
        return rows
    }

    /// A visitor's use of a page (page loads), feature or track type: when last and how often.
    public func itemUse(visitor: String, item: PipelineStage.ItemKind, id: String) -> PipelineValue {
        let use = itemUses(item, id: id)[state.userIndex(visitor)?.rawValue ?? .max]
        return .object(["lastUsed": use.map { PipelineValue($0.last) } ?? .null, "numEvents": PipelineValue(use?.count ?? 0)])
    }
}

extension TenantPipelineData {
    /// Every visitor's last use and use count of one item, from one pass over its events.
    func itemUses(_ item: PipelineStage.ItemKind, id: String) -> [UInt32: (last: Int64, count: Int)] {
        let cacheKey = "\(item.rawValue):\(id)"
        if let cached = itemUseCache[cacheKey] { return cached }
        var uses: [UInt32: (last: Int64, count: Int)] = [:]
        let scope: EventScope = switch item { case .trackTypeId: .tracks; case .pageId: .pages; case .featureId: .features }
        let types = allowedTypes(scope, ids: [id])
        let pages = scope == .pages ? pageTags.selection([id]) : nil
        let features = scope == .features ? FeatureTags(state, pages: pageTags, ids: [id]) : nil
        if types.contains(true) {
            for chunk in state.log.sealed.map(\.columns) + [state.log.open] {
                for row in 0..<chunk.count where types[Int(chunk.types[row])] {
                    let page = chunk.pages[row]
                    if let pages, page == PageIndex.none.rawValue || pages[Int(page)].isEmpty { continue }
                    if let features, features.matches(type: chunk.types[row], set: chunk.propertySets[row], page: page).isEmpty { continue }
                    let u = state.users.canonical(chunk.users[row])
                    let t = chunk.timestamps[row]
                    let before = uses[u] ?? (.min, 0)
                    uses[u] = (max(before.last, t), before.count + 1)
                }
            }
        }
        itemUseCache[cacheKey] = uses
        return uses
    }
}
