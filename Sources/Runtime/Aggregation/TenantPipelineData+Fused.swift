/// Fast paths: a source with the stages after it that the data can answer from its columns at
/// once, without making a row per group of events. A grouped event source followed by visitor
/// and account filters and a `group` or `reduce` of event counts and distinct visitors,
/// accounts or periods; a `visitors` source followed by `identified`, `segment` and `count`.
/// Anything else takes the general path; tests check both paths give the same rows.
extension TenantPipelineData {
    public func fused(_ stages: ArraySlice<PipelineStage>, _ budget: inout PipelineBudget) throws(PipelineError) -> (rows: [PipelineRow], consumed: Int)? {
        guard allowsFusedPaths, case .source(let source)? = stages.first, !source.apps.isDisjoint(with: apps.all), source.blacklist != .only else { return nil }
        switch source.kind {
        case .events, .pageEvents, .trackEvents: return try fusedEvents(source, stages.dropFirst(), &budget)
        case .visitors: return try fusedVisitors(source, stages.dropFirst(), &budget)
        default: return nil
        }
    }

    /// What the stages between the source and its aggregation keep: identified (or anonymous)
    /// visitors, one visitor, one account. `nil` ids mean no such visitor or account: nothing passes.
    struct EventFilter {
        var identified: Bool?
        var user: UInt32??
        var account: UInt32??
    }

    /// `visitorId == "x"`, `accountId == "x"` and their `&&`: the equality filters a fast path can apply.
    func equalities(_ e: PipelineExpression, into filter: inout EventFilter) -> Bool {
        switch e {
        case .binary(.and, let a, let b): return equalities(a, into: &filter) && equalities(b, into: &filter)
        case .binary(.equal, .field(let path), .literal(.string(let text))), .binary(.equal, .literal(.string(let text)), .field(let path)):
            switch path.description {
            case "visitorId":
                // A merged-away name never appears on a row: rows carry the name the history now lives under.
                let id = state.userNames.lookup(text).flatMap { state.users.canonical($0) == $0 ? $0 : nil }
                if let set = filter.user, set != id { filter.user = .some(nil) } else { filter.user = .some(id) }
                return true
            case "accountId":
                let id = state.accountNames.lookup(text)
                if let set = filter.account, set != id { filter.account = .some(nil) } else { filter.account = .some(id) }
                return true
            default: return false
            }
        default: return false
        }
    }

    enum FusedKey: String { case visitorId, accountId, appId, period }
    enum FusedAggregate { case events, distinct(FusedKey) }

    func fusedEvents(_ source: PipelineSource, _ rest: ArraySlice<PipelineStage>, _ budget: inout PipelineBudget) throws(PipelineError) -> (rows: [PipelineRow], consumed: Int)? {
        guard let series = source.timeSeries else { return nil }
        var filter = EventFilter()
        var consumed = 1
        var index = rest.startIndex
        scan: while index < rest.endIndex {
            switch rest[index] {
            case .identified(let path, let keep) where path.description == "visitorId":
                if let before = filter.identified, before != keep { filter.user = .some(nil) }
                filter.identified = keep
            case .filter(let e) where equalities(e, into: &filter): break
            default: break scan
            }
            index += 1; consumed += 1
        }
        guard index < rest.endIndex else { return nil }
        let keyPaths: [FieldPath], aggregates: [PipelineStage.Aggregate]
        switch rest[index] {
        case .group(let k, let f): keyPaths = k; aggregates = f
        case .reduce(let f): keyPaths = []; aggregates = f
        default: return nil
        }
        func key(_ path: FieldPath) -> FusedKey? {
            switch path.description {
            case "visitorId": .visitorId
            case "accountId": .accountId
            case "appId": .appId
            case series.period.field: .period
            default: nil
            }
        }
        let keys = keyPaths.compactMap(key)
        guard keys.count == keyPaths.count, Set(keys).count == keys.count else { return nil }
        var wanted: [FusedAggregate] = []
        for a in aggregates {
            switch a.aggregator {
            case .sum(.field(let p)) where p.description == "numEvents": wanted.append(.events)
            case .count(.field(let p)?):
                guard let k = key(p), k != .appId else { return nil }
                wanted.append(.distinct(k))
            default: return nil
            }
        }
        let groups = try aggregateEvents(source, series, filter, keys: keys, wanted: wanted, &budget)
        consumed += 1
        var chosen = Array(0..<groups.count)
        // A sort and limit after the group pick their groups before any row is made; a visitor's
        // name is made only when a comparison needs it.
        if index + 2 < rest.endIndex, case .sort(let sortKeys) = rest[index + 1], case .limit(let n) = rest[index + 2] {
            let outputs = keyPaths + aggregates.map(\.output)
            let columns = sortKeys.compactMap { k in outputs.firstIndex(of: k.field) }
            if columns.count == sortKeys.count {
                chosen = PipelineOrder.first(n, count: groups.count, descending: sortKeys.map(\.descending)) { g, i in groups.value(g, column: columns[i]) }
                consumed += 2
            }
        }
        var rows: [PipelineRow] = []
        rows.reserveCapacity(chosen.count)
        for g in chosen {
            var row: PipelineRow = [:]
            for (c, path) in keyPaths.enumerated() { row.set(path, groups.value(g, column: c)) }
            for (c, a) in aggregates.enumerated() { row.set(a.output, groups.value(g, column: keyPaths.count + c)) }
            rows.append(row)
        }
        return (rows, consumed)
    }

    struct FusedGroupKey: Hashable { var user: UInt32, account: UInt32, bucket: Int32 }

    /// The groups a fast path found: their keys, event counts and distinct counts, and the
    /// value of any output column, made on demand.
    struct FusedGroups {
        let state: TenantState
        let keys: [FusedKey]
        let wanted: [FusedAggregate]
        var groupKeys: [FusedGroupKey] = []
        var counts: [Int] = []
        /// Per `.distinct` aggregate, in order, the count per group.
        var distinct: [[Int]] = []
        var boundaries: [Int64] = []
        var count: Int { groupKeys.count }

        func value(_ g: Int, column: Int) -> PipelineValue {
            let key = groupKeys[g]
            if column < keys.count {
                switch keys[column] {
                case .visitorId: return .string(state.userNames.string(key.user))
                case .accountId: return key.account == AccountIndex.none.rawValue ? .null : .string(state.accountNames.string(key.account))
                case .appId: return PipelineValue(PipelineEnvironment.appID)
                case .period: return PipelineValue(boundaries[Int(key.bucket)])
                }
            }
            let a = column - keys.count
            switch wanted[a] {
            case .events: return PipelineValue(counts[g])
            case .distinct:
                let d = wanted[..<a].filter { if case .distinct = $0 { true } else { false } }.count
                return PipelineValue(distinct[d][g])
            }
        }
    }

    /// One pass over the range's events: per group (in the order groups first appear, as the
    /// general path gives them), the event count and the distinct values asked for.
    func aggregateEvents(_ source: PipelineSource, _ series: PipelineSource.TimeSeries, _ filter: EventFilter, keys: [FusedKey], wanted: [FusedAggregate],
                         _ budget: inout PipelineBudget) throws(PipelineError) -> FusedGroups {
        var out = FusedGroups(state: state, keys: keys, wanted: wanted)
        let distinctKeys = wanted.compactMap { if case .distinct(let k) = $0 { k } else { nil } }
        let nothing: Bool = if case .some(nil) = filter.user { true } else if case .some(nil) = filter.account { true } else { false }
        if nothing {
            if keys.isEmpty { out.groupKeys = [FusedGroupKey(user: 0, account: 0, bucket: 0)]; out.counts = [0]; out.distinct = distinctKeys.map { _ in [0] } }
            return out
        }
        let scope = EventScope(source.kind)
        var boundaries = [series.firstMs]
        for _ in 0..<series.count { boundaries.append(series.period.advance(boundaries.last!, by: 1, &calendar)) }
        out.boundaries = boundaries
        // Events of the apps asked for only; the index keeps no apps, so it answers only when every event counts.
        let appFilter = apps.filter(source)
        if appFilter == nil, let indexed = try pageDayGroups(source, series, filter, keys: keys, wanted: wanted, boundaries: boundaries, &budget) { return indexed }
        let typeAllowed = allowedTypes(scope, ids: source.objectIDs)
        // A page view counts once for each page it is on (docs/pendo.md): its path's weight.
        let pageWeights: [UInt64]? = scope == .pages ? pageTags.selection(source.objectIDs).map { UInt64($0.count) } : nil
        let byUser = keys.contains(.visitorId), byAccount = keys.contains(.accountId), byBucket = keys.contains(.period)
        // A group's index: dense by its one key (visitor, account or period) when there is one, hashed otherwise.
        // No key at all (a reduce) is one dense group.
        let realKeys = keys.filter { $0 != .appId }
        let dense: FusedKey? = realKeys.count == 1 ? realKeys[0] : realKeys.isEmpty ? .appId : nil
        // The scan's hot array is a raw buffer, one word per dense key: its group number plus one
        // (0: not seen yet) in the high half, its event count in the low half.
        let domain = dense == .visitorId ? state.users.count : dense == .accountId ? state.accountNames.count + 1 : dense == .period ? series.count : 1
        let denseGroups = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: domain)
        denseGroups.initialize(repeating: 0)
        defer { denseGroups.deallocate() }
        var slots: [FusedGroupKey: Int32] = [:]
        var groupKeys: [FusedGroupKey] = []
        var counts: [Int] = []
        // Per distinct field and value, the last group it was counted in: a value seen again in
        // the same group (a visitor's next event that hour) adds no pair; the pairs left are
        // sorted and counted at the end, so a value coming back to a group later stays exact.
        let lastGroup: [UnsafeMutableBufferPointer<Int32>] = distinctKeys.map { k in
            let buffer = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, k == .visitorId ? state.users.count : k == .accountId ? state.accountNames.count : series.count))
            buffer.initialize(repeating: -1)
            return buffer
        }
        defer { for buffer in lastGroup { buffer.deallocate() } }
        var pairs: [[UInt64]] = distinctKeys.map { _ in [] }
        let canonical = canonicalFlaggedUsers
        if keys.isEmpty { groupKeys.append(FusedGroupKey(user: 0, account: 0, bucket: 0)); denseGroups[0] = 1 << 32 }
        let days = activeDays(filter, series)
        // Loop-invariant shortcuts, each tested once per chunk or query rather than per event:
        // one visitor's events are found by their raw user id (when no merge aliases it) before
        // anything else is read; every type allowed needs no type test; the period is worked out
        // only when a key or a distinct count needs it.
        let onlyRawUser = soleRawUser(filter)
        let everyType = !typeAllowed.contains(false)
        let needsBucket = byBucket || dense == .period || distinctKeys.contains(.period)
        // The merged-into visitor is looked up per event only when a key or filter is the visitor;
        // distinct visitors are first told apart by raw id and named as they are counted.
        let filtersUser: Bool = if case .some(.some) = filter.user { true } else { false }
        let needsVisitor = byUser || filter.identified != nil || filtersUser
        let plain = dense != nil && dense != .period && !needsBucket && !filtersUser && filter.account == nil && pageWeights == nil && everyType && appFilter == nil
            && (distinctKeys.isEmpty || distinctKeys == [.visitorId])
        for chunk in state.log.sealed.map(\.columns) + [state.log.open] where chunk.count > 0 && chunk.maxTimestamp >= series.firstMs && chunk.minTimestamp < series.endMs {
            if let days, !days.contains(where: { $0.lowerBound <= chunk.maxTimestamp && $0.upperBound > chunk.minTimestamp }) { continue }
            let inside = chunk.minTimestamp >= series.firstMs && chunk.maxTimestamp < series.endMs
            if plain {
                try budget.tick(chunk.count)
                let scan = DenseScan(dense: dense!, byUser: byUser, byAccount: byAccount, identified: filter.identified, needsVisitor: needsVisitor,
                                     domain: domain, firstMs: series.firstMs, endMs: series.endMs, inside: inside)
                if distinctKeys.isEmpty {
                    var unused: [UInt64] = []
                    scan.run(chunk, canonical: canonical, groups: denseGroups, lastGroup: nil, pairs: &unused, groupKeys: &groupKeys)
                } else {
                    scan.run(chunk, canonical: canonical, groups: denseGroups, lastGroup: lastGroup[0], pairs: &pairs[0], groupKeys: &groupKeys)
                }
                try budget.check(rows: groupKeys.count)
                continue
            }
            var bucket = 0
            // One visitor's rows are picked out first in a tight pass over the user column.
            let picked: [Int]? = onlyRawUser.map { user in Self.rows(of: user, in: chunk.users) }
            for k in 0..<(picked?.count ?? chunk.count) {
                let row = picked?[k] ?? k
                try budget.tick()
                let t = chunk.timestamps[row]
                if !inside, t < series.firstMs || t >= series.endMs { continue }
                if !everyType, !typeAllowed[Int(chunk.types[row])] { continue }
                if let appFilter, !appFilter.contains(apps.app(ofSet: chunk.propertySets[row])) { continue }
                var weight: UInt64 = 1
                if let pageWeights {
                    let page = chunk.pages[row]
                    guard page != PageIndex.none.rawValue else { continue }
                    weight = pageWeights[Int(page)]
                    if weight == 0 { continue }
                }
                let raw = chunk.users[row]
                let flagged = needsVisitor ? canonical[Int(raw)] : 0
                let u = flagged & Self.userMask
                if case .some(.some(let only)) = filter.user, u != only { continue }
                let account = chunk.accounts[row]
                if case .some(.some(let only)) = filter.account, account != only { continue }
                if let keep = filter.identified, (flagged & Self.anonymousFlag != 0) == keep { continue }
                if needsBucket, t < boundaries[bucket] || t >= boundaries[bucket + 1] { bucket = Self.bucket(of: t, in: boundaries) }
                var slot: Int32
                if let dense {
                    let d = switch dense {
                    case .visitorId: Int(u)
                    case .period: bucket
                    case .accountId: account == AccountIndex.none.rawValue ? domain - 1 : Int(account)
                    case .appId: 0
                    }
                    var word = denseGroups[d]
                    if word >> 32 == 0 {
                        word = UInt64(groupKeys.count + 1) << 32
                        groupKeys.append(FusedGroupKey(user: byUser ? u : 0, account: byAccount ? account : 0, bucket: byBucket ? Int32(bucket) : 0))
                        try budget.check(rows: groupKeys.count)
                    }
                    denseGroups[d] = word &+ weight
                    slot = Int32(word >> 32) - 1
                } else {
                    let key = FusedGroupKey(user: byUser ? u : 0, account: byAccount ? account : 0, bucket: byBucket ? Int32(bucket) : 0)
                    if let s = slots[key] { slot = s } else {
                        slot = Int32(groupKeys.count); slots[key] = slot
                        groupKeys.append(key); counts.append(0)
                        try budget.check(rows: groupKeys.count)
                    }
                    counts[Int(slot)] += Int(weight)
                }
                for (i, k) in distinctKeys.enumerated() {
                    let value: UInt32 = switch k {
                    case .visitorId: raw
                    case .accountId: account
                    case .period: UInt32(bucket)
                    case .appId: 0
                    }
                    if k == .accountId, value == AccountIndex.none.rawValue { continue }
                    if lastGroup[i][Int(value)] != slot {
                        lastGroup[i][Int(value)] = slot
                        let counted = k == .visitorId ? canonical[Int(raw)] & Self.userMask : value
                        pairs[i].append(UInt64(UInt32(slot)) << 32 | UInt64(counted))
                    }
                }
            }
        }
        out.distinct = pairs.map { list -> [Int] in
            var n = [Int](repeating: 0, count: groupKeys.count)
            var previous = UInt64.max
            for pair in list.sorted() where pair != previous { n[Int(pair >> 32)] += 1; previous = pair }
            return n
        }
        if dense != nil {
            counts = [Int](repeating: 0, count: groupKeys.count)
            for d in 0..<domain where denseGroups[d] >> 32 != 0 { counts[Int(denseGroups[d] >> 32) - 1] = Int(denseGroups[d] & 0xffff_ffff) }
        }
        out.groupKeys = groupKeys
        out.counts = counts
        return out
    }

    /// The rows of a chunk that carry `user`, in order.
    static func rows(of user: UInt32, in users: [UInt32]) -> [Int] {
        users.withUnsafeBufferPointer { column in
            var found: [Int] = []
            for row in 0..<column.count where column[row] == user { found.append(row) }
            return found
        }
    }

    /// The one raw user id whose events the filter keeps, when no merge sent other ids' events
    /// to the same visitor; nil otherwise.
    func soleRawUser(_ filter: EventFilter) -> UInt32? {
        guard case .some(.some(let u)) = filter.user else { return nil }
        let canonical = canonicalUsers
        var found: UInt32?
        for raw in canonical.indices where canonical[raw] == u {
            if found != nil { return nil }
            found = UInt32(raw)
        }
        return found
    }

    /// With one visitor or account asked for, the days (as time ranges) it was active on, from
    /// the day indexes: only chunks that reach into them are read. Nil when every chunk may hold rows.
    func activeDays(_ filter: EventFilter, _ series: PipelineSource.TimeSeries) -> [Range<Int64>]? {
        let user: UInt32? = if case .some(.some(let u)) = filter.user { u } else { nil }
        let account: UInt32? = if case .some(.some(let a)) = filter.account { a } else { nil }
        guard user != nil || account != nil, !state.days.isEmpty else { return nil }
        let first = max(state.day(of: series.firstMs), state.days.firstDay), last = min(state.day(of: series.endMs - 1), state.days.lastDay)
        guard first <= last else { return [] }
        var ranges: [Range<Int64>] = []
        for d in first...last {
            guard let index = state.days[d] else { continue }
            if let user, !index.active.contains(user) { continue }
            if let account, index.count(ofAccount: AccountIndex(account)) == 0 { continue }
            ranges.append(calendar.startMs(of: d)..<calendar.startMs(of: d + 1))
        }
        return ranges
    }

    /// `visitors` then `identified` and `segment` stages: only the visitors that pass are made
    /// into rows, and a `count` after them needs no rows at all.
    func fusedVisitors(_ source: PipelineSource, _ rest: ArraySlice<PipelineStage>, _ budget: inout PipelineBudget) throws(PipelineError) -> (rows: [PipelineRow], consumed: Int)? {
        var keepIdentified: Bool?
        var segments: [Bitmap] = []
        var consumed = 1
        loop: for stage in rest {
            switch stage {
            case .identified(let path, let keep) where path.description == "visitorId":
                if keepIdentified != nil && keepIdentified != keep { return nil }
                keepIdentified = keep
            case .segment(let id):
                guard let n = Int(id), let segment = state.segments.byID[n] else { return nil }
                segments.append(segment.members)
            default: break loop
            }
            consumed += 1
        }
        guard consumed > 1 else { return nil }
        var passing: [UInt32] = []
        for (i, summary) in state.users.summaries.enumerated() where summary.isKnown(id: i) {
            try budget.tick()
            if let since = source.sinceMs, summary.lastSeen < since { continue }
            if let keep = keepIdentified, summary.isAnonymous == keep { continue }
            if !segments.allSatisfy({ $0.contains(UInt32(i)) }) { continue }
            passing.append(UInt32(i))
        }
        if case .count? = rest.dropFirst(consumed - 1).first { return ([["count": PipelineValue(passing.count)]], consumed + 1) }
        var rows: [PipelineRow] = []
        for u in passing {
            try budget.tick()
            rows.append(visitorObject(u))
        }
        return (rows, consumed)
    }
}
