import Foundation

/// The rules behind signals (docs/signals.md), each read from the indexes: account health now and
/// 7 days before, the journeys' daily funnels, the day counts of `page_error`, the nudges' first
/// impressions and clicks, and each event type's users per day.
extension TenantState {
    public enum SignalThresholds {
        public static let lookbackDays = 7
        public static let dropPoints = 15
        public static let decliningShare = 0.5, decliningMinPrior = 20
        public static let dropOffRise = 0.10, dropOffMinUsers = 20
        public static let errorType = "page_error", errorSpikeFactor = 2.0, errorSpikeMinErrors = 10
        public static let clickRateFall = 0.3, clickRateMinShown = 20
        public static let adoptionFall = 0.3, adoptionMinUsers = 20
    }

    public func signalFindings(nowMs: Int64) -> [SignalFinding] {
        let today = day(of: nowMs)
        return accountFindings(today) + journeyFindings() + errorFindings(today) + nudgeFindings(nowMs) + adoptionFindings(today)
    }

    func accountFindings(_ today: DayNumber) -> [SignalFinding] {
        typealias T = SignalThresholds
        let before = Dictionary(uniqueKeysWithValues: accountHealth(asOf: today - DayNumber(T.lookbackDays)).map { ($0.account, $0) })
        var found: [SignalFinding] = []
        for h in accountHealth(asOf: today) {
            let name = accountNames.string(h.account.rawValue)
            if let b = before[h.account] {
                if h.status == .red, b.status != .red {
                    found.append(SignalFinding(rule: .accountRed, subject: name, title: "\(name) turned red: health \(h.score), \(b.score) (\(b.status.rawValue)) 7 days before",
                                               value: Double(h.score), baseline: Double(b.score)))
                }
                if b.score - h.score >= T.dropPoints {
                    found.append(SignalFinding(rule: .accountDrop, subject: name, title: "\(name)'s health fell \(b.score - h.score) points in 7 days (\(b.score) → \(h.score))",
                                               value: Double(h.score), baseline: Double(b.score)))
                }
            }
            let f = h.facts
            if f.priorEvents >= T.decliningMinPrior, Double(f.recentEvents) <= T.decliningShare * Double(f.priorEvents) {
                let fall = Int((100 * (1 - Double(f.recentEvents) / Double(f.priorEvents))).rounded())
                found.append(SignalFinding(rule: .accountDeclining, subject: name,
                                           title: "\(name) is declining: \(f.recentEvents) events in the last 14 days against \(f.priorEvents) in the 14 before (−\(fall)%)",
                                           value: Double(f.recentEvents), baseline: Double(f.priorEvents)))
            }
        }
        return found
    }

    /// A step's drop-off in the latest daily funnel against its mean over the 7 funnels before.
    func journeyFindings() -> [SignalFinding] {
        typealias T = SignalThresholds
        var found: [SignalFinding] = []
        for journey in journeys.byID.values.sorted(by: { $0.id < $1.id }) where journey.status == .active && journey.snapshots.count >= 2 {
            let latest = journey.snapshots.last!, earlier = journey.snapshots.dropLast().suffix(T.lookbackDays)
            for k in 1..<journey.steps.count where k < latest.users.count && latest.users[k - 1] >= T.dropOffMinUsers {
                let now = Self.dropOff(latest, before: k)!
                let rates = earlier.compactMap { Self.dropOff($0, before: k) }
                guard !rates.isEmpty else { continue }
                let mean = rates.reduce(0, +) / Double(rates.count)
                guard now - mean >= T.dropOffRise else { continue }
                found.append(SignalFinding(rule: .journeyDropOff, subject: "\(journey.id):\(k + 1)",
                                           title: "Journey '\(journey.name)': drop-off before step \(k + 1) (\(journey.steps[k].label)) rose to \(Self.percent(now)) from \(Self.percent(mean))",
                                           value: now, baseline: mean))
            }
        }
        return found
    }

    /// 1 − users at step k / users at step k − 1 in a daily funnel; nil without users at k − 1.
    static func dropOff(_ snapshot: JourneySnapshot, before k: Int) -> Double? {
        k < snapshot.users.count && snapshot.users[k - 1] > 0 ? 1 - Double(snapshot.users[k]) / Double(snapshot.users[k - 1]) : nil
    }

    /// `page_error` events on `day` and their share of the day's events.
    func errorShare(on day: DayNumber) -> (errors: Int, share: Double) {
        guard let type = eventTypeIndex(SignalThresholds.errorType), let index = days[day], index.eventCount > 0 else { return (0, 0) }
        let errors = index.count(ofType: type)
        return (errors, Double(errors) / Double(index.eventCount))
    }

    /// Today's share of `page_error` events against the 7 days before.
    func errorFindings(_ today: DayNumber) -> [SignalFinding] {
        typealias T = SignalThresholds
        guard let type = eventTypeIndex(T.errorType) else { return [] }
        let (errors, rate) = errorShare(on: today)
        guard errors >= T.errorSpikeMinErrors else { return [] }
        var earlierErrors = 0, earlierEvents = 0
        for d in (today - DayNumber(T.lookbackDays))..<today {
            guard let i = days[d] else { continue }
            earlierErrors += i.count(ofType: type); earlierEvents += i.eventCount
        }
        let baseline = earlierEvents == 0 ? 0 : Double(earlierErrors) / Double(earlierEvents)
        guard rate >= T.errorSpikeFactor * baseline else { return [] }
        return [SignalFinding(rule: .errorSpike, subject: T.errorType,
                              title: "\(T.errorType) is \(Self.percent(rate)) of today's events (\(errors)), against \(Self.percent(baseline)) over the 7 days before",
                              value: rate, baseline: baseline)]
    }

    /// Click rate of the users first shown a nudge in the last 7 days against the 28 days before.
    func nudgeFindings(_ nowMs: Int64) -> [SignalFinding] {
        typealias T = SignalThresholds
        var found: [SignalFinding] = []
        for nudge in nudges.byID.values.sorted(by: { $0.id < $1.id }) where nudge.status == .active {
            let c = Self.clickCohorts(nudge, nowMs: nowMs)
            guard c.recent >= T.clickRateMinShown, c.prior >= T.clickRateMinShown, c.priorClicked > 0 else { continue }
            let now = Double(c.recentClicked) / Double(c.recent), before = Double(c.priorClicked) / Double(c.prior)
            guard now <= (1 - T.clickRateFall) * before else { continue }
            found.append(SignalFinding(rule: .nudgeClickRate, subject: String(nudge.id),
                                       title: "Nudge '\(nudge.title)': \(Self.percent(now)) of the users first shown it in the last 7 days clicked, against \(Self.percent(before)) before",
                                       value: now, baseline: before))
        }
        return found
    }

    /// The users first shown `nudge` in the 7 days before `nowMs` and in the 28 before those, and how many of each clicked.
    static func clickCohorts(_ nudge: Nudge, nowMs: Int64) -> (recent: Int, recentClicked: Int, prior: Int, priorClicked: Int) {
        let recentFrom = nowMs - Int64(SignalThresholds.lookbackDays) * TenantCalendar.dayMs, priorFrom = recentFrom - 28 * TenantCalendar.dayMs
        var c = (recent: 0, recentClicked: 0, prior: 0, priorClicked: 0)
        for (user, at) in nudge.shownAt where at >= priorFrom && at <= nowMs {
            let clicked = nudge.clicked.contains(user)
            if at >= recentFrom { c.recent += 1; if clicked { c.recentClicked += 1 } } else { c.prior += 1; if clicked { c.priorClicked += 1 } }
        }
        return c
    }

    /// The 7 complete days before `today`, and the 7 before them.
    static func adoptionWeeks(_ today: DayNumber) -> (last: DayRange, previous: DayRange) {
        let week = DayNumber(SignalThresholds.lookbackDays)
        return (DayRange(first: today - week, last: today - 1), DayRange(first: today - 2 * week, last: today - week - 1))
    }

    /// Each event type's users over the last 7 complete days against the 7 before.
    func adoptionFindings(_ today: DayNumber) -> [SignalFinding] {
        typealias T = SignalThresholds
        let (last, previous) = Self.adoptionWeeks(today)
        var found: [SignalFinding] = []
        for t in 0..<eventTypeNames.count {
            let type = EventTypeIndex(UInt32(t))
            let before = typeUsers(type, in: previous).count
            guard before >= T.adoptionMinUsers else { continue }
            let now = typeUsers(type, in: last).count
            guard Double(now) <= (1 - T.adoptionFall) * Double(before) else { continue }
            let name = eventTypeNames.string(UInt32(t))
            found.append(SignalFinding(rule: .adoptionFell, subject: name,
                                       title: "\(name): \(now) users in the last 7 days, \(Self.percent(1 - Double(now) / Double(before))) fewer than the \(before) of the 7 before",
                                       value: Double(now), baseline: Double(before)))
        }
        return found
    }

    static func percent(_ share: Double) -> String {
        let tenths = (share * 1000).rounded() / 10
        return tenths == tenths.rounded() ? "\(Int(tenths))%" : String(format: "%.1f%%", tenths)
    }
}
