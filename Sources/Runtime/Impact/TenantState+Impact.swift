/// Impact actions: what the metric of each is now, their outcomes once their window has passed,
/// and the summary and list the API shows.
extension TenantState {
    /// The metric now (`nowMs`), measured as its signal's rule measures it; nil when its subject is gone.
    public func impactValue(_ metric: ImpactMetric, nowMs: Int64) -> Double? {
        let today = day(of: nowMs)
        switch metric.rule {
        case .accountRed, .accountDrop, .accountDeclining:
            guard let account = accountIndex(metric.subject),
                  let h = accountHealthHistory(account, range: DayRange(days: 1, endingOn: today))[0] else { return nil }
            return metric.rule == .accountDeclining ? Double(h.facts.recentEvents) : Double(h.score)
        case .journeyDropOff:
            let parts = metric.subject.split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2, parts[1] >= 2, let journey = journeys.byID[parts[0]], let latest = journey.snapshots.last else { return nil }
            return Self.dropOff(latest, before: parts[1] - 1)
        case .errorSpike:
            return errorShare(on: today).share
        case .nudgeClickRate:
            guard let id = Int(metric.subject), let nudge = nudges.byID[id] else { return nil }
            let c = Self.clickCohorts(nudge, nowMs: nowMs)
            return c.recent == 0 ? nil : Double(c.recentClicked) / Double(c.recent)
        case .adoptionFell:
            guard let type = eventTypeIndex(metric.subject) else { return nil }
            return Double(typeUsers(type, in: Self.adoptionWeeks(today).last).count)
        }
    }

    /// The action that `act` on `signal` starts, with its metric as it stands at `atMs`.
    public func impactAction(for signal: Signal, actionType: String, member: String, atMs: Int64) -> ImpactAction {
        let metric = ImpactMetric(rule: signal.rule, subject: signal.subject)
        return ImpactAction(id: impact.nextID, source: .signal, sourceRef: String(signal.id), actionType: actionType, member: member,
                            metric: metric, baseline: impactValue(metric, nowMs: atMs) ?? signal.value, createdMs: atMs)
    }

    /// The action acting on a journey's recommendation starts: the drop-off after its step.
    public func impactAction(journey: Journey, recommendation: Recommendation, member: String, atMs: Int64) -> ImpactAction {
        let metric = ImpactMetric(rule: .journeyDropOff, subject: "\(journey.id):\(recommendation.step + 1)")
        return ImpactAction(id: impact.nextID, source: .journeyRecommendation, sourceRef: "\(journey.id):\(recommendation.id)",
                            actionType: recommendation.kind.rawValue, member: member, metric: metric,
                            baseline: impactValue(metric, nowMs: atMs) ?? 0, createdMs: atMs)
    }

    /// The action activating a nudge starts: its click rate (0 before anyone saw it).
    public func impactAction(nudge: Nudge, member: String, atMs: Int64) -> ImpactAction {
        let metric = ImpactMetric(rule: .nudgeClickRate, subject: String(nudge.id))
        return ImpactAction(id: impact.nextID, source: .nudge, sourceRef: String(nudge.id), actionType: "activated", member: member,
                            metric: metric, baseline: impactValue(metric, nowMs: atMs) ?? 0, createdMs: atMs)
    }

    public func refusal(of edit: ImpactEdit) -> ImpactEditRefusal? {
        switch edit {
        case .outcome(let id, _, _, _, let manual):
            guard let action = impact.byID[id] else { return .unknownAction(id) }
            return !manual && action.outcome != .pending ? .alreadyDecided(id) : nil
        }
    }

    public mutating func apply(_ edit: ImpactEdit) throws(ImpactEditRefusal) {
        if let refusal = refusal(of: edit) { throw refusal }
        switch edit {
        case .outcome(let id, let resolved, let value, let atMs, let manual):
            impact.byID[id]!.outcome = resolved ? .resolved : .unresolved
            impact.byID[id]!.outcomeValue = value; impact.byID[id]!.outcomeMs = atMs; impact.byID[id]!.manual = manual
        }
        version &+= 1
    }

    mutating func addImpactAction(_ action: ImpactAction) {
        impact.byID[action.id] = action
        impact.nextID = max(impact.nextID, action.id &+ 1)
    }

    /// Outcomes due at `nowMs`: each pending action whose window has passed is resolved when its
    /// signal cleared or its metric moved the wanted way past where it was, else unresolved.
    public func dueImpactEdits(nowMs: Int64) -> [ImpactEdit] {
        impact.byID.values.filter { $0.outcome == .pending && $0.dueMs <= nowMs }.sorted { $0.id < $1.id }.map { action in
            let value = impactValue(action.metric, nowMs: nowMs)
            let cleared = action.source == .signal && Int(action.sourceRef).flatMap { signals.byID[$0]?.clearedMs } != nil
            let improved = value.map { action.metric.higherIsBetter ? $0 > action.baseline : $0 < action.baseline } ?? false
            return .outcome(id: action.id, resolved: cleared || improved, value: value, atMs: nowMs, manual: false)
        }
    }

    public struct ImpactSummary: Sendable, Equatable {
        public var actions = 0, pending = 0, resolved = 0, unresolved = 0
        /// Resolved of those decided; nil before any is.
        public var resolutionRate: Double?
        /// Median days from action to outcome, of those decided.
        public var medianDaysToOutcome: Double?
        /// Per signal rule: actions and how many resolved.
        public var byRule: [SignalRule: (actions: Int, resolved: Int)] = [:]
        /// Accounts whose account signal's action resolved, and the mean change of their score (decided ones).
        public var accountsRecovered = 0
        public var meanScoreChange: Double?

        public static func == (a: ImpactSummary, b: ImpactSummary) -> Bool {
            a.actions == b.actions && a.pending == b.pending && a.resolved == b.resolved && a.unresolved == b.unresolved
                && a.resolutionRate == b.resolutionRate && a.medianDaysToOutcome == b.medianDaysToOutcome && a.accountsRecovered == b.accountsRecovered
                && a.meanScoreChange == b.meanScoreChange && a.byRule.mapValues { [$0.actions, $0.resolved] } == b.byRule.mapValues { [$0.actions, $0.resolved] }
        }
    }

    /// Actions taken at or after `sinceMs`.
    public func impactSummary(sinceMs: Int64) -> ImpactSummary {
        let kept = impact.byID.values.filter { $0.createdMs >= sinceMs }
        var s = ImpactSummary()
        s.actions = kept.count
        var durations: [Double] = [], scoreChanges: [Double] = []
        var recovered = Set<String>()
        for a in kept {
            switch a.outcome {
            case .pending: s.pending += 1
            case .resolved: s.resolved += 1
            case .unresolved: s.unresolved += 1
            }
            var rule = s.byRule[a.metric.rule] ?? (0, 0)
            rule.actions += 1
            if a.outcome == .resolved { rule.resolved += 1 }
            s.byRule[a.metric.rule] = rule
            guard a.outcome != .pending, let at = a.outcomeMs else { continue }
            durations.append(Double(at - a.createdMs) / Double(TenantCalendar.dayMs))
            if a.metric.rule == .accountRed || a.metric.rule == .accountDrop {
                if let v = a.outcomeValue { scoreChanges.append(v - a.baseline) }
                if a.outcome == .resolved { recovered.insert(a.metric.subject) }
            }
        }
        let decided = s.resolved + s.unresolved
        s.resolutionRate = decided == 0 ? nil : Double(s.resolved) / Double(decided)
        durations.sort()
        s.medianDaysToOutcome = durations.isEmpty ? nil : durations.count % 2 == 1 ? durations[durations.count / 2]
            : (durations[durations.count / 2 - 1] + durations[durations.count / 2]) / 2
        s.accountsRecovered = recovered.count
        s.meanScoreChange = scoreChanges.isEmpty ? nil : scoreChanges.reduce(0, +) / Double(scoreChanges.count)
        return s
    }

    /// Newest first.
    public func impactActions(sinceMs: Int64, outcome: ImpactAction.Outcome?, offset: Int, limit: Int) -> (total: Int, rows: [ImpactAction]) {
        let kept = impact.byID.values.filter { action in action.createdMs >= sinceMs && (outcome.map { action.outcome == $0 } ?? true) }
            .sorted { ($0.createdMs, $0.id) > ($1.createdMs, $1.id) }
        return (kept.count, Array(kept.dropFirst(offset).prefix(limit)))
    }
}
