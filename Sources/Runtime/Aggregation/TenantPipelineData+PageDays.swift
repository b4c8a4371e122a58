/// `pageEvents` by day, week or month (or reduced to one row) from the page day index: the
/// sealed chunks' page views per day and page, with only the open chunk read row by row.
extension TenantPipelineData {
    /// Nil when the question needs what the index does not keep: accounts, one visitor or
    /// account, hours, or the events of identified visitors alone (the index counts views, not
    /// whose), and groups by period of identified visitors (their order needs the rows). Groups
    /// come in the order they first appear in the log, as the general path gives them.
    func pageDayGroups(_ source: PipelineSource, _ series: PipelineSource.TimeSeries, _ filter: EventFilter, keys: [FusedKey], wanted: [FusedAggregate],
                       boundaries: [Int64], _ budget: inout PipelineBudget) throws(PipelineError) -> FusedGroups? {
        guard source.kind == .pageEvents, series.period != .hourRange, filter.user == nil, filter.account == nil else { return nil }
        guard keys.allSatisfy({ $0 == .period || $0 == .appId }) else { return nil }
        let distinctKeys = wanted.compactMap { if case .distinct(let k) = $0 { k } else { nil } }
        guard distinctKeys.allSatisfy({ $0 == .visitorId || $0 == .period }) else { return nil }
        let byBucket = keys.contains(.period)
        if filter.identified != nil, byBucket || wanted.contains(where: { if case .events = $0 { true } else { false } }) { return nil }

        let weights = pageTags.selection(source.objectIDs).map(\.count)
        // Viewers are needed for a distinct count, or to know which periods identified visitors reach.
        let needsViewers = filter.identified != nil || distinctKeys.contains(.visitorId)
        let everyPage = !weights.contains(0)
        var events = [Int](repeating: 0, count: series.count)
        var users = [[Bitmap]](repeating: [], count: series.count)
        var first = [UInt64](repeating: .max, count: series.count)
        for b in 0..<series.count {
            let firstDay = state.day(of: boundaries[b]), lastDay = state.day(of: boundaries[b + 1] - 1)
            guard firstDay <= lastDay else { continue }
            for d in firstDay...lastDay {
                try budget.tick()
                guard let day = state.pageDays[d] else { continue }
                if needsViewers, everyPage { users[b].append(day.viewers) }
                for (page, views) in day.pages where Int(page) < weights.count && weights[Int(page)] > 0 {
                    events[b] += weights[Int(page)] * views.count
                    if needsViewers, !everyPage { users[b].append(views.users) }
                    first[b] = min(first[b], views.firstPosition)
                }
            }
        }
        // The open chunk has no index yet: its page views are read here.
        let open = state.log.open
        let isPageView = allowedTypes(.pages, ids: nil)
        var openUsers = [[UInt32]](repeating: [], count: series.count)
        var bucket = 0
        for row in 0..<open.count {
            try budget.tick()
            let t = open.timestamps[row], page = open.pages[row]
            guard t >= series.firstMs, t < series.endMs, isPageView[Int(open.types[row])], page != PageIndex.none.rawValue, weights[Int(page)] > 0 else { continue }
            if t < boundaries[bucket] || t >= boundaries[bucket + 1] { bucket = Self.bucket(of: t, in: boundaries) }
            events[bucket] += weights[Int(page)]
            if needsViewers { openUsers[bucket].append(open.users[row]) }
            first[bucket] = min(first[bucket], state.pageDays.openPosition(row: row))
        }
        // Visitors as the rows name them: merged ids under the visitor they were merged into,
        // and only identified (or only anonymous) ones when asked.
        let mergedAway = needsViewers ? state.mergedAwayUsers : Bitmap()
        let identified: Bitmap? = filter.identified.map { _ in
            Bitmap(ascending: (0..<UInt32(state.users.count)).filter { canonicalUsers[Int($0)] == $0 && !state.users[$0].isAnonymous })
        }
        var visitors: [Bitmap] = !needsViewers ? [] : (0..<series.count).map { b in
            var all = Bitmap.union(of: users[b])
            if !openUsers[b].isEmpty { all.formUnion(Bitmap(openUsers[b])) }
            var named = state.canonicalized(all, mergedAway: mergedAway)
            if let identified { named = filter.identified! ? named.intersection(identified) : named.subtracting(identified) }
            return named
        }
        // A bucket has rows when it has page views (by the visitors kept, under identified).
        let present = (0..<series.count).filter { filter.identified == nil ? events[$0] > 0 : !visitors[$0].isEmpty }

        var out = FusedGroups(state: state, keys: keys, wanted: wanted)
        out.boundaries = boundaries
        if byBucket {
            let ordered = present.sorted { first[$0] < first[$1] }
            out.groupKeys = ordered.map { FusedGroupKey(user: 0, account: 0, bucket: Int32($0)) }
            out.counts = ordered.map { events[$0] }
            out.distinct = distinctKeys.map { k in ordered.map { k == .period ? 1 : visitors[$0].count } }   // visitors exist when counted
        } else {
            // One group: always for a reduce, and for appId only when some row is there.
            guard keys.isEmpty || !present.isEmpty else { return out }
            out.groupKeys = [FusedGroupKey(user: 0, account: 0, bucket: 0)]
            out.counts = [present.reduce(0) { $0 + events[$1] }]
            let everyone = needsViewers ? Bitmap.union(of: present.map { visitors[$0] }) : Bitmap()
            out.distinct = distinctKeys.map { k in [k == .period ? present.count : everyone.count] }
        }
        return out
    }
}
