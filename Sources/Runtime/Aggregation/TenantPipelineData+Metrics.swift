/// The engagement stages from the day indexes (docs/pendo.md, "Engagement stages"): stickiness
/// as the mean of active-in-numerator over active-in-denominator per day; growth as the quick
/// ratio of new and recovered over dropped users against the period before; adoption as the
/// share of core events the period's active users used; PES as the mean of the three.
extension TenantPipelineData {
    struct MetricGroup { var account: String?; var users: Bitmap? }

    public func metric(_ m: PipelineMetric, _ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow] {
        var filter: Bitmap?
        var accounts: [AccountIndex]?
        if let account = m.account {
            guard let a = state.accountIndex(account) else { throw PipelineError(.notFound, stage: budget.stage, field: "\(m.kind.rawValue).account", "no account \(account)") }
            filter = state.accounts.users[Int(a.rawValue)]
            accounts = [a]
        }
        if let id = m.segment {
            guard let n = Int(id), let segment = state.segments.byID[n] else { throw PipelineError(.notFound, stage: budget.stage, field: "\(m.kind.rawValue).segment.id", "no segment \(id)") }
            filter = filter.map { $0.intersection(segment.members) } ?? segment.members
        }
        if m.identifiedOnly {
            let identified = Bitmap(ascending: state.users.summaries.indices.compactMap { i in
                state.users.summaries[i].isAnonymous || !state.users.summaries[i].isKnown(id: i) ? nil : UInt32(i)
            })
            filter = filter.map { $0.intersection(identified) } ?? identified
        }
        var groups = [MetricGroup(account: nil, users: filter)]
        if m.groupByAccount {
            let list: [AccountIndex] = accounts ?? state.accounts.summaries.indices.filter { state.accounts.summaries[$0].eventCount > 0 }.map { AccountIndex(UInt32($0)) }
            groups = list.map { (a: AccountIndex) -> MetricGroup in
                let members = state.accounts.users[Int(a.rawValue)]
                return MetricGroup(account: state.accountNames.string(a.rawValue), users: filter.map { $0.intersection(members) } ?? members)
            }
        }
        let core = try coreEvents(m, &budget)
        var windows: [Int: [DayNumber: Bitmap]] = [:]
        var rows: [PipelineRow] = []
        for group in groups {
            try budget.tick()
            var row: PipelineRow = ["firstDay": PipelineValue(calendar.startMs(of: m.firstDay)), "lastDay": PipelineValue(calendar.startMs(of: m.lastDay))]
            if let account = group.account { row["accountId"] = .string(account) }
            let stickiness = { [self] in self.stickiness(m, group.users, &windows) }
            switch m.kind {
            case .stickiness:
                row["stickiness"] = number(stickiness())
                row["numerator"] = .string(m.numerator.rawValue); row["denominator"] = .string(m.denominator.rawValue)
            case .growth:
                let g = growth(m, group.users)
                row["growth"] = number(g.dropped == 0 ? nil : Double(g.new + g.recovered) / Double(g.dropped))
                row["growthScore"] = number(g.score)
                row["new"] = PipelineValue(g.new); row["recovered"] = PipelineValue(g.recovered); row["dropped"] = PipelineValue(g.dropped)
            case .adoption:
                let a = adoption(m, group.users, core)
                row["adoption"] = number(a.share); row["activeVisitors"] = PipelineValue(a.base); row["coreEvents"] = PipelineValue(core.count)
            case .pes:
                let parts = [adoption(m, group.users, core).share, stickiness(), growth(m, group.users).score]
                let present = parts.compactMap { $0 }
                row["pes"] = number(present.isEmpty ? nil : present.reduce(0, +) / Double(present.count))
                row["adoption"] = number(parts[0]); row["stickiness"] = number(parts[1]); row["growth"] = number(parts[2])
            }
            rows.append(row)
        }
        return rows
    }

    func number(_ value: Double?) -> PipelineValue { value.map(PipelineValue.number) ?? .null }

    func active(_ d: DayNumber) -> Bitmap? { state.days.isEmpty || d < state.days.firstDay || d > state.days.lastDay ? nil : state.days[d]?.active }

    func activeUnion(_ days: ClosedRange<DayNumber>) -> Bitmap { Bitmap.union(of: days.compactMap(active)) }

    func count(_ set: Bitmap, _ filter: Bitmap?) -> Int { filter.map { set.intersectionCount($0) } ?? set.count }

    /// 1970-01-01 was a Thursday: day d is a weekend day when (d + 4) mod 7 is 0 or 6.
    static func isWeekend(_ d: DayNumber) -> Bool { let w = ((Int(d) + 4) % 7 + 7) % 7; return w == 0 || w == 6 }

    func stickiness(_ m: PipelineMetric, _ filter: Bitmap?, _ windows: inout [Int: [DayNumber: Bitmap]]) -> Double? {
        var ratios: [Double] = []
        for d in m.firstDay...m.lastDay where !(m.excludeWeekends && Self.isWeekend(d)) {
            func window(_ span: Int) -> Bitmap {
                if let cached = windows[span]?[d] { return cached }
                let set = activeUnion((d - DayNumber(span - 1))...d)
                windows[span, default: [:]][d] = set
                return set
            }
            let denominator = count(window(m.denominator.days), filter)
            guard denominator > 0 else { continue }
            ratios.append(Double(count(window(m.numerator.days), filter)) / Double(denominator))
        }
        return ratios.isEmpty ? nil : ratios.reduce(0, +) / Double(ratios.count)
    }

    struct Growth { var new = 0, recovered = 0, dropped = 0
        var score: Double? { new + recovered + dropped == 0 ? nil : Double(new + recovered) / Double(new + recovered + dropped) }
    }

    /// Against the period of the same length just before: new users first seen in the period,
    /// recovered ones seen before but not in the period before, dropped ones active then, not now.
    func growth(_ m: PipelineMetric, _ filter: Bitmap?) -> Growth {
        let length = m.lastDay - m.firstDay + 1
        var now = activeUnion(m.firstDay...m.lastDay), before = activeUnion((m.firstDay - length)...(m.firstDay - 1))
        if let filter { now.formIntersection(filter); before.formIntersection(filter) }
        let newUsers = Bitmap.union(of: (m.firstDay...m.lastDay).compactMap { d in active(d) == nil ? nil : state.days[d]?.newUsers }).intersection(now)
        var g = Growth()
        g.new = newUsers.count
        g.recovered = now.subtracting(before).subtractingCount(newUsers)
        g.dropped = before.subtractingCount(now)
        return g
    }

    /// The users of each core event in the period: the named pages, features and track types,
    /// and the pages and features of the named product areas; or every track type used in it
    /// when none is named.
    func coreEvents(_ m: PipelineMetric, _ budget: inout PipelineBudget) throws(PipelineError) -> [Bitmap] {
        guard m.kind == .adoption || m.kind == .pes else { return [] }
        let days = m.firstDay...m.lastDay
        func typeUsers(_ t: Int) -> Bitmap {
            Bitmap.union(of: days.compactMap { d in active(d) == nil ? nil : state.days[d].flatMap { t < $0.typeUsers.count ? $0.typeUsers[t] : nil } })
        }
        let config = m.kind == .pes ? "pes.config.adoption" : "adoption.config"
        var named = m.coreEvents.enumerated().map { ($0.element, "\(config).events[\($0.offset)].id") }
        for (i, area) in m.productAreaIDs.enumerated() {
            let field = "\(config).productAreaIds[\(i)]"
            guard let group = state.tagging.groups[area], group.type == .group else { throw PipelineError(.notFound, stage: budget.stage, field: field, "no product area \(area)") }
            for item in group.items {
                switch item.type {
                case .page: named.append((.init(kind: .page, id: item.id), field))
                case .feature: named.append((.init(kind: .feature, id: item.id), field))
                case .guide: break
                }
            }
        }
        if named.isEmpty {
            let tracks = allowedTypes(.tracks, ids: nil)
            return tracks.indices.filter { tracks[$0] }.map(typeUsers).filter { !$0.isEmpty }
        }
        var out: [Bitmap] = []
        for (event, field) in named {
            switch event.kind {
            case .trackEvent:
                let allowed = allowedTypes(.tracks, ids: [event.id])
                guard let t = allowed.firstIndex(of: true) else { throw PipelineError(.notFound, stage: budget.stage, field: field, "no track type \(event.id)") }
                out.append(typeUsers(t))
            case .page:
                let pages = pageTags.selection([event.id])
                guard pages.contains(where: { !$0.isEmpty }) || state.tagging.pages[event.id] != nil else {
                    throw PipelineError(.notFound, stage: budget.stage, field: field, "no page \(event.id)")
                }
                out.append(try objectUsers(.pages, ids: [event.id], days, &budget))
            case .feature:
                guard state.tagging.features[event.id] != nil else { throw PipelineError(.notFound, stage: budget.stage, field: field, "no feature \(event.id)") }
                out.append(try objectUsers(.features, ids: [event.id], days, &budget))
            }
        }
        return out
    }

    /// The visitors who used one page or feature in the days.
    func objectUsers(_ scope: EventScope, ids: [String], _ days: ClosedRange<DayNumber>, _ budget: inout PipelineBudget) throws(PipelineError) -> Bitmap {
        let types = allowedTypes(scope, ids: ids)
        let pages = scope == .pages ? pageTags.selection(ids) : nil
        let features = scope == .features ? FeatureTags(state, pages: pageTags, ids: ids) : nil
        let first = calendar.startMs(of: days.lowerBound), end = calendar.startMs(of: days.upperBound + 1)
        var users: [UInt32] = []
        for chunk in state.log.sealed.map(\.columns) + [state.log.open] where chunk.count > 0 && chunk.maxTimestamp >= first && chunk.minTimestamp < end {
            for row in 0..<chunk.count {
                try budget.tick()
                let t = chunk.timestamps[row]
                guard t >= first, t < end, types[Int(chunk.types[row])] else { continue }
                let page = chunk.pages[row]
                if let pages, page == PageIndex.none.rawValue || pages[Int(page)].isEmpty { continue }
                if let features, features.matches(type: chunk.types[row], set: chunk.propertySets[row], page: page).isEmpty { continue }
                users.append(state.users.canonical(chunk.users[row]))
            }
        }
        return Bitmap(users)
    }

    func adoption(_ m: PipelineMetric, _ filter: Bitmap?, _ core: [Bitmap]) -> (share: Double?, base: Int) {
        var base = activeUnion(m.firstDay...m.lastDay)
        if let filter { base.formIntersection(filter) }
        let n = base.count
        guard n > 0, !core.isEmpty else { return (nil, n) }
        let used = core.reduce(0) { $0 + $1.intersectionCount(base) }
        return (Double(used) / Double(n * core.count), n)
    }
}
