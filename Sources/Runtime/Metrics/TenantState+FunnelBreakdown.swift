/// The metrics API's funnels (`POST /api/v1/funnels`, `/funnels/trend`) on the funnel kernel:
/// split by a property of the step-1 event, or run once per bucket of a window.
extension TenantState {
    /// One funnel per top value of `property` on step-1 events (ranked by their users), then one
    /// for the other values and events without it. Each is the funnel with step 1 narrowed to
    /// that value.
    public func funnelBreakdown(_ definition: FunnelDefinition, startMs: Int64, endMs: Int64, property: String,
                                limit: Int) -> [(dimension: MetricsSeries.Dimension, funnel: Funnel)] {
        guard let first = definition.steps.first else { return [] }
        // Users per value of the step-1 events in the span: one bucket over the whole span.
        var window = MetricsWindow(startMs: startMs, endMs: endMs, granularity: .daily, calendar: calendar)
        window.buckets = [MetricsBucket(startMs: startMs, endMs: endMs, days: window.days)]
        let conditions = [MetricsCondition(field: .eventName, op: .eq, values: [eventTypeNames.string(first.eventType.rawValue)])]
            + first.filters.map { MetricsCondition(field: .property($0.property), op: $0.op, values: $0.values) }
        let query = MetricsQuery(window: window, conditions: conditions, breakdown: .property(property), breakdownLimit: limit)
        let dimension = EventDimension(.property(property), in: self)
        let ranked = metricsUserSets(query).byValue
            .map { value, sets in (name: dimension.name(value, in: self), users: sets[0].count) }
            .sorted { ($0.users, $1.name ?? "") > ($1.users, $0.name ?? "") }
        func narrowed(_ filters: [PropertyFilter]) -> Funnel {
            var narrowed = definition
            narrowed.steps[0].filters += filters
            return funnel(narrowed, startMs: startMs, endMs: endMs)
        }
        var result = ranked.prefix(limit).map { entry in
            (dimension: entry.name.map { MetricsSeries.Dimension.value($0) } ?? .none,
             funnel: narrowed([PropertyFilter(property: property, op: entry.name == nil ? .isNotSet : .eq, values: entry.name.map { [$0] } ?? [])]))
        }
        if ranked.count > limit {
            let shown = ranked.prefix(limit)
            // Every value not shown; events without the property too, unless they have a line.
            var other = [PropertyFilter(property: property, op: .notIn, values: shown.compactMap(\.name))]
            if shown.contains(where: { $0.name == nil }) { other.append(PropertyFilter(property: property, op: .isSet, values: [])) }
            result.append((dimension: .other, funnel: narrowed(other)))
        }
        return result
    }

    /// The funnel once per bucket: users whose step-1 event falls in it, and how far they got
    /// within the window (which may run past the bucket and the range). One scan serves every
    /// bucket: per user, each bucket with a step-1 event keeps chains of its own (as the funnel
    /// of that bucket alone would), fed the user's events in time order until the window past
    /// the bucket's end has gone by.
    public func funnelTrend(_ definition: FunnelDefinition, window: MetricsWindow) -> [Funnel] {
        funnelTrend(definition, window: window, parts: [funnelTrendPart(definition, window: window)])
    }

    /// What one part of the users (split by `funnelMatches`'s `part`) reached per bucket, and the
    /// times between steps.
    public struct FunnelTrendPart: Sendable {
        var reached: [[Bitmap]]
        var gaps: [[[Int64]]]
    }

    /// The trend from the parts of every user.
    public func funnelTrend(_ definition: FunnelDefinition, window: MetricsWindow, parts: [FunnelTrendPart]) -> [Funnel] {
        window.buckets.indices.map { b in
            funnelAnswer(definition, reached: definition.steps.indices.map { k in Bitmap.union(of: parts.map { $0.reached[b][k] }) },
                         gaps: definition.steps.indices.map { k in parts.flatMap { $0.gaps[b][k] } })
        }
    }

    public func funnelTrendPart(_ definition: FunnelDefinition, window: MetricsWindow, part: (index: Int, count: Int) = (0, 1)) -> FunnelTrendPart {
        definition.isPlain && definition.steps.count <= 16 && window.endMs + definition.windowMs - window.startMs < Self.plainTrendMaxSpanMs
            ? plainFunnelTrendPart(definition, window: window, part: part)
            : generalFunnelTrendPart(definition, window: window, part: part)
    }

    /// Any funnel's trend part, by the chains of `FunnelChains`.
    func generalFunnelTrendPart(_ definition: FunnelDefinition, window: MetricsWindow, part: (index: Int, count: Int) = (0, 1)) -> FunnelTrendPart {
        let buckets = window.buckets, steps = definition.steps, n = steps.count
        guard !buckets.isEmpty else { return FunnelTrendPart(reached: [], gaps: []) }
        let matches = funnelMatches(definition, startMs: window.startMs, endMs: window.endMs + definition.windowMs, part: part)
        var reached = [[Bitmap]](repeating: [Bitmap](repeating: Bitmap(), count: n), count: buckets.count)
        var gaps = [[[Int64]]](repeating: [[Int64]](repeating: [], count: n), count: buckets.count)
        // The buckets with chains for the current user, and their chains (kept apart, so finding
        // a bucket touches no chains).
        var activeBuckets: [Int] = []
        var activeChains: [FunnelChains] = []
        // Settled chains are reset and used again, not reallocated per user and bucket.
        var spare: [FunnelChains] = []
        func finish(_ user: UInt32, _ a: Int) {
            let bucket = activeBuckets.remove(at: a)
            var chains = activeChains.remove(at: a)
            for k in 0..<n where chains.reachedAt[k] != nil { reached[bucket][k].insert(user) }
            chains.reset()
            spare.append(chains)
        }
        let byUser = Self.groupedByUserInTimeOrder(users: matches.users, times: matches.times, tags: matches.masks, userCount: users.count)
        var i = 0, hint = 0
        while i < byUser.count {
            let user = byUser[i].user
            var j = i
            while j < byUser.count, byUser[j].user == user {
                let ts = byUser[j].ts
                var groupEnd = j
                var group: UInt64 = 0
                while groupEnd < byUser.count, byUser[groupEnd].user == user, byUser[groupEnd].ts == ts { group |= byUser[groupEnd].tag; groupEnd += 1 }
                // Buckets whose window has gone by are settled.
                var a = 0
                while a < activeBuckets.count {
                    if ts - buckets[activeBuckets[a]].endMs >= definition.windowMs { finish(user, a) } else { a += 1 }
                }
                if group & 1 != 0, ts >= window.startMs, ts < window.endMs, let b = window.bucket(of: ts, hint: hint) {
                    hint = b
                    if !activeBuckets.contains(b) { activeBuckets.append(b); activeChains.append(spare.popLast() ?? FunnelChains(steps: n)) }
                }
                for a in activeBuckets.indices {
                    let b = activeBuckets[a], bucket = buckets[b]
                    activeChains[a].advance(group: group, at: ts, steps: steps, windowMs: definition.windowMs,
                                            firstStepAllowed: ts >= bucket.startMs && ts < bucket.endMs) { k, gap in gaps[b][k].append(gap) }
                }
                j = groupEnd
            }
            while !activeBuckets.isEmpty { finish(user, activeBuckets.count - 1) }
            i = j
        }
        return FunnelTrendPart(reached: reached, gaps: gaps)
    }
}
