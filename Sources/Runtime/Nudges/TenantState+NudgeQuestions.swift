/// What the tracker and the results pages ask of nudges.
extension TenantState {
    /// The active nudges `user` should see on `page` now: the page matches, the user is in the
    /// audience (everyone, without a segment), and has not dismissed it. Newest first.
    public func eligibleNudges(user name: String, page: String) -> [Nudge] {
        let u = knownUser(name)
        return nudges.byID.values.filter { n in
            guard n.status == .active, n.shows(onPage: page) else { return false }
            if let u, n.dismissed.contains(u) { return false }
            guard n.targetSegment != nil else { return true }
            return u.map { n.audience.contains($0) } ?? false
        }.sorted { $0.id > $1.id }
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

    public func audienceFunnel(_ nudge: Nudge) -> AudienceFunnel {
        let entered = nudge.targetSegment == nil ? nudge.shownAt.count : nudge.everEntered.count
        return AudienceFunnel(entered: entered, current: nudge.targetSegment == nil ? knownUserCount : nudge.audience.count,
                              shown: nudge.shownAt.count, clicked: nudge.clicked.count, dismissed: nudge.dismissed.count,
                              progressed: progressed(nudge), impressions: nudge.impressions, clicks: nudge.clicks)
    }

    /// One scan of the goal event's rows for the shown users.
    func progressed(_ nudge: Nudge) -> Int? {
        guard let goal = nudge.goalEvent else { return nil }
        guard let type = eventTypeIndex(goal), !nudge.shownAt.isEmpty else { return 0 }
        let earliest = nudge.shownAt.values.min()!
        var done = Set<UInt32>()
        log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= earliest else { return }
            for row in 0..<chunk.count where chunk.types[row] == type.rawValue {
                let u = users.canonical(chunk.users[row])
                if let shown = nudge.shownAt[u], chunk.timestamps[row] > shown { done.insert(u) }
            }
        }
        return done.count
    }
}
