/// What the tracker and the results pages ask of nudges.
extension TenantState {
    /// The active nudges `user` should see on `page` now: the page matches, the user is in the
    /// audience (everyone, without a segment), has not dismissed it and has not opted out of
    /// guides (docs/pendo.md, Metadata). Newest first.
    public func eligibleNudges(user name: String, page: String) -> [Nudge] {
        let u = knownUser(name)
        if optedOutOfGuides(name) { return [] }
        return nudges.byID.values.filter { n in
            guard n.status == .active, n.shows(onPage: page) else { return false }
            if let u, n.dismissed.contains(u) { return false }
            guard n.targetSegment != nil else { return true }
            return u.map { n.audience.contains($0) } ?? false
        }.sorted { $0.id > $1.id }
    }

    /// Other active nudges that show on `nudge`'s page (either's page pattern covers the other's), by id.
    public func activeNudgesSharingPage(with nudge: Nudge) -> [Int] {
        nudges.byID.values.filter {
            $0.id != nudge.id && $0.status == .active && ($0.shows(onPage: nudge.targetPage) || nudge.shows(onPage: $0.targetPage) || $0.targetPage == nudge.targetPage)
        }.map(\.id).sorted()
    }

    public struct AudienceFunnel: Sendable, Equatable {
        /// Users who ever entered the audience.
        public var entered: Int
        /// In it now.
        public var current: Int
        public var shown: Int
        public var clicked: Int
        public var dismissed: Int
        /// Shown users who sent the goal event after their first impression; nil without a goal.
        public var progressed: Int?
        public var impressions: Int
        public var clicks: Int
    }

    public func audienceFunnel(_ nudge: Nudge) -> AudienceFunnel { audienceFunnels([nudge])[0] }

    /// The funnels of several nudges, with one scan of the log for all their goal events (not
    /// one per nudge).
    public func audienceFunnels(_ list: [Nudge]) -> [AudienceFunnel] {
        let progressed = progressedCounts(list)
        return list.indices.map { i in
            let nudge = list[i]
            let entered = nudge.targetSegment == nil ? nudge.shownAt.count : nudge.everEntered.count
            return AudienceFunnel(entered: entered, current: nudge.targetSegment == nil ? knownUserCount : nudge.audience.count,
                                  shown: nudge.shownAt.count, clicked: nudge.clicked.count, dismissed: nudge.dismissed.count,
                                  progressed: progressed[i], impressions: nudge.impressions, clicks: nudge.clicks)
        }
    }

    /// Per nudge, its shown users who sent its goal event after their first impression (nil
    /// without a goal): one pass over the rows of every goal type at once.
    func progressedCounts(_ list: [Nudge]) -> [Int?] {
        var result: [Int?] = list.map { $0.goalEvent == nil ? nil : 0 }
        // Goal type -> the nudges that wait for it, as a flat table the row loop can index.
        var waiting = [[Int]](repeating: [], count: eventTypeNames.count)
        var earliest = Int64.max
        for (i, nudge) in list.enumerated() {
            guard let goal = nudge.goalEvent, let type = eventTypeIndex(goal), let first = nudge.shownAt.values.min() else { continue }
            waiting[Int(type.rawValue)].append(i)
            earliest = min(earliest, first)
        }
        guard earliest < .max else { return result }
        var done = [Set<UInt32>](repeating: [], count: list.count)
        log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= earliest else { return }
            for row in 0..<chunk.count {
                let type = Int(chunk.types[row])
                guard type < waiting.count, !waiting[type].isEmpty else { continue }
                let u = users.canonical(chunk.users[row])
                for i in waiting[type] {
                    if let shown = list[i].shownAt[u], chunk.timestamps[row] > shown { done[i].insert(u) }
                }
            }
        }
        for indices in waiting { for i in indices { result[i] = done[i].count } }
        return result
    }

    public struct NudgeImpact: Sendable, Equatable {
        public struct Row: Sendable, Equatable {
            public var nudge: Nudge
            public var funnel: AudienceFunnel
            /// Clicks per shown user and progressed per shown user, to four decimals; 0 when nobody was shown.
            public var clickRate: Double
            public var progressRate: Double?
        }
        public var rows: [Row]
        public var active: Int
        public var shown: Int
        public var clicked: Int
        public var dismissed: Int
        public var progressed: Int
        public var clickRate: Double
    }

    /// Every nudge's funnel and the totals across them, from one scan.
    public func nudgeImpact() -> NudgeImpact {
        let list = nudges.byID.values.sorted { $0.id < $1.id }
        let funnels = audienceFunnels(list)
        func rate(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : (Double(a) / Double(b) * 10_000).rounded() / 10_000 }
        let rows = zip(list, funnels).map { n, f in
            NudgeImpact.Row(nudge: n, funnel: f, clickRate: rate(f.clicked, f.shown), progressRate: f.progressed.map { rate($0, f.shown) })
        }
        let shown = funnels.reduce(0) { $0 + $1.shown }, clicked = funnels.reduce(0) { $0 + $1.clicked }
        return NudgeImpact(rows: rows, active: list.filter { $0.status == .active }.count, shown: shown, clicked: clicked,
                           dismissed: funnels.reduce(0) { $0 + $1.dismissed }, progressed: funnels.reduce(0) { $0 + ($1.progressed ?? 0) },
                           clickRate: rate(clicked, shown))
    }
}
