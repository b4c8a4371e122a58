/// A journey's live funnel, its stuck users and the recommendations that follow from them.
extension TenantState {
    /// The journey's funnel over the 30 days ending `day`, step 1 anywhere in them.
    public func journeyFunnel(_ journey: Journey, endingOn day: DayNumber) -> Funnel {
        funnel(steps: journey.steps.map(\.eventType), range: DayRange(days: 30, endingOn: day), windowMs: Int64(journey.windowDays) * TenantCalendar.dayMs)
    }

    public struct StuckUser: Sendable, Equatable {
        public var user: String
        public var lastSeenMs: Int64
    }

    /// Users who reached step `from` (1-based) but not the next within the window, most recently
    /// seen first.
    public func stuckUsers(_ journey: Journey, from: Int, nowMs: Int64) -> [StuckUser] {
        let funnel = journeyFunnel(journey, endingOn: day(of: nowMs))
        let stuck = funnel.usersAtStep[from - 1].subtracting(funnel.usersAtStep[from])
        return stuck.members.map { StuckUser(user: userNames.string($0), lastSeenMs: users[$0].lastSeen) }
            .sorted { ($0.lastSeenMs, $1.user) > ($1.lastSeenMs, $0.user) }
    }

    public struct Recommendation: Sendable, Equatable {
        public enum Kind: String, Sendable { case largestDropOff = "largest_drop_off", stuckWithoutNudge = "stuck_without_nudge" }
        public var id: String
        public var kind: Kind
        /// The step users fail to move on from (1-based).
        public var step: Int
        public var users: Int
        public var message: String
        public var decision: RecommendationDecision?
    }

    /// From rules: the step with the largest drop-off, and each step with stuck users that no
    /// active nudge leads on from (a nudge whose goal is the next step's event).
    public func recommendations(for journey: Journey, nowMs: Int64) -> [Recommendation] {
        recommendations(for: journey, funnel: journeyFunnel(journey, endingOn: day(of: nowMs)))
    }

    /// The same, from the journey's funnel already worked out.
    public func recommendations(for journey: Journey, funnel: Funnel) -> [Recommendation] {
        let counts = funnel.steps.map(\.users)
        var result: [Recommendation] = []
        let drops = (1..<counts.count).map { (step: $0, lost: counts[$0 - 1] - counts[$0]) }
        if let worst = drops.max(by: { ($0.lost, $1.step) < ($1.lost, $0.step) }), worst.lost > 0 {
            let from = journey.steps[worst.step - 1].label, to = journey.steps[worst.step].label
            let rate = Double(worst.lost) / Double(max(1, counts[worst.step - 1])) * 100
            result.append(Recommendation(id: "drop-\(worst.step)", kind: .largestDropOff, step: worst.step, users: worst.lost,
                                         message: "\(worst.lost) users (\(Int(rate.rounded()))%) reach “\(from)” but not “\(to)”: the journey's largest drop-off"))
        }
        let nudgedGoals = Set(nudges.byID.values.filter { $0.status == .active }.compactMap(\.goalEvent))
        for drop in drops where drop.lost > 0 && !nudgedGoals.contains(journey.steps[drop.step].eventType) {
            result.append(Recommendation(id: "stuck-\(drop.step)", kind: .stuckWithoutNudge, step: drop.step, users: drop.lost,
                                         message: "\(drop.lost) users are stuck after “\(journey.steps[drop.step - 1].label)” and no active nudge leads them to “\(journey.steps[drop.step].label)”"))
        }
        return result.map { r in var r = r; r.decision = journey.decisions[r.id]; return r }
    }
}
