/// The workspace's numbers: each metric over days, the alerts' firings due, the goals' progress,
/// and the account an email's domain names when `auto_derive_accounts` is on.
extension TenantState {
    /// `metric` over the days of `range`: events and an event type's events summed, active users
    /// counted once over the range, the error rate as `page_error` events over all events.
    public func workspaceValue(_ metric: WorkspaceMetric, over range: DayRange) -> Double {
        let indexes = range.all.compactMap { days[$0] }
        switch metric {
        case .eventCount: return Double(indexes.reduce(0) { $0 + $1.eventCount })
        case .activeUsers: return Double(Bitmap.union(of: indexes.map(\.active)).count)
        case .errorRate:
            let events = indexes.reduce(0) { $0 + $1.eventCount }
            guard events > 0, let type = eventTypeIndex(SignalThresholds.errorType) else { return 0 }
            return Double(indexes.reduce(0) { $0 + $1.count(ofType: type) }) / Double(events)
        case .eventType(let name):
            guard let type = eventTypeIndex(name) else { return 0 }
            return Double(indexes.reduce(0) { $0 + $1.count(ofType: type) })
        }
    }

    /// Firings due at `nowMs`: an `above` alert fires once on the day its value passes the
    /// threshold, as the day fills; a `below` alert is judged on each day that ended after it was
    /// created, once.
    public func dueAlertFirings(nowMs: Int64) -> [WorkspaceEdit] {
        let today = day(of: nowMs), todayStartMs = calendar.startMs(of: today)
        return workspace.alerts.values.sorted { $0.id < $1.id }.compactMap { alert in
            let judged = alert.direction == .above ? today : today - 1
            guard alert.direction == .above || alert.createdMs < todayStartMs, !alert.firings.contains(where: { $0.day == judged }) else { return nil }
            let value = workspaceValue(alert.metric, over: DayRange(days: 1, endingOn: judged))
            return alert.passes(value) ? .fire(alert: alert.id, AlertFiring(day: judged, atMs: nowMs, value: value)) : nil
        }
    }

    public struct GoalProgress: Sendable, Equatable {
        public var value: Double
        /// value / target (nil for a target of 0).
        public var progress: Double?
        /// Reached: at or above the target, or at or below it for the error rate.
        public var achieved: Bool
    }

    public func goalProgress(_ goal: Goal, today: DayNumber) -> GoalProgress {
        let value = workspaceValue(goal.metric, over: DayRange(days: goal.days, endingOn: today))
        let achieved = goal.metric == .errorRate ? value <= goal.target : value >= goal.target
        return GoalProgress(value: value, progress: goal.target == 0 ? nil : value / goal.target, achieved: achieved)
    }

    /// Mail providers whose domain names no company.
    static let freeMailDomains: Set<String> = [
        "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com", "msn.com", "icloud.com", "me.com",
        "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "web.de", "yandex.ru", "mail.ru", "qq.com", "163.com",
    ]

    /// The account `user`'s email domain names (lowercased), when the workspace derives accounts
    /// and the domain is not a mail provider's; nil otherwise.
    func derivedAccountName(forUser user: some BidirectionalCollection<UInt8>) -> String? {
        guard workspace.autoDeriveAccounts, let at = user.lastIndex(of: UInt8(ascii: "@")) else { return nil }
        let domain = String(decoding: user[user.index(after: at)...], as: UTF8.self).lowercased()
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !Self.freeMailDomains.contains(domain) else { return nil }
        return domain
    }
}
