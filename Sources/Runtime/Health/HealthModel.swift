/// An account's health: five components of 0–100 (docs/health.md gives each formula), their
/// weighted total and a status from the tenant's thresholds.
public enum HealthStatus: String, Sendable, CaseIterable, Comparable {
    case red, yellow, green

    /// Worst first.
    public static func < (a: HealthStatus, b: HealthStatus) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

public enum HealthComponent: String, Sendable, CaseIterable {
    case activity, breadth, depth, trend, recency
}

/// How components weigh in the total and where the statuses begin.
public struct HealthSettings: Sendable, Equatable {
    /// Per component, in `HealthComponent.allCases` order; each 0–100, not all zero.
    public var weights: [Int]
    /// A score at or above `greenAt` is green, at or above `yellowAt` yellow, below it red.
    public var greenAt: Int
    public var yellowAt: Int

    public static let standard = HealthSettings(weights: [30, 15, 20, 20, 15], greenAt: 70, yellowAt: 40)

    public init(weights: [Int], greenAt: Int, yellowAt: Int) {
        self.weights = weights; self.greenAt = greenAt; self.yellowAt = yellowAt
    }

    /// Why these settings cannot be used, naming the field; nil when they can.
    public var refusal: (field: String, reason: String)? {
        if weights.count != HealthComponent.allCases.count { return ("weights", "must give all \(HealthComponent.allCases.count) components") }
        for (component, w) in zip(HealthComponent.allCases, weights) where !(0...100).contains(w) {
            return ("weights.\(component.rawValue)", "must be 0–100, got \(w)")
        }
        if weights.allSatisfy({ $0 == 0 }) { return ("weights", "must not all be 0") }
        if !(1...100).contains(greenAt) { return ("thresholds.green", "must be 1–100, got \(greenAt)") }
        if !(0...100).contains(yellowAt) || yellowAt > greenAt { return ("thresholds.yellow", "must be 0–100 and at most green (\(greenAt)), got \(yellowAt)") }
        return nil
    }

    public func status(of score: Int) -> HealthStatus { score >= greenAt ? .green : score >= yellowAt ? .yellow : .red }

    /// The weighted mean of exact component values, rounded.
    public func score(_ components: [Double]) -> Int {
        let total = zip(weights, components).reduce(0.0) { $0 + Double($1.0) * $1.1 }
        return Int((total / Double(weights.reduce(0, +))).rounded())
    }
}

/// The numbers a score is computed from, over the 30 days ending on `day`.
public struct HealthFacts: Sendable, Equatable {
    public var day: DayNumber
    /// Users whose latest event names the account, and those of them active in the 30 days.
    public var users = 0, activeUsers = 0
    public var events = 0
    /// Events in the last 14 days and the 14 before them.
    public var recentEvents = 0, priorEvents = 0
    /// Event types the account used in the 30 days, and the number that scores 100 (the tenant's
    /// types used in the 30 days, at most 10).
    public var eventTypes = 0, breadthTarget = 1
    /// The tenant's events per active user over every account (depth's yardstick).
    public var tenantEventsPerActiveUser = 0.0
    /// The account's last day with an event within the 30 days; nil: none.
    public var lastEventDay: DayNumber?
}

public struct AccountHealth: Sendable, Equatable {
    public var account: AccountIndex
    /// Each component rounded, in `HealthComponent.allCases` order.
    public var components: [Int]
    public var score: Int
    public var status: HealthStatus
    public var facts: HealthFacts

    public func component(_ c: HealthComponent) -> Int { components[HealthComponent.allCases.firstIndex(of: c)!] }
}

/// The five formulas, from the facts alone.
public enum HealthFormulas {
    public static let windowDays = 30, halfWindowDays = 14, breadthTargetMax = 10

    /// Exact values, each 0–100, in `HealthComponent.allCases` order.
    public static func components(_ f: HealthFacts) -> [Double] {
        let activity = f.users == 0 ? 0 : 100 * Double(f.activeUsers) / Double(f.users)
        let breadth = 100 * min(1, Double(f.eventTypes) / Double(max(1, f.breadthTarget)))
        let depth = f.activeUsers == 0 || f.tenantEventsPerActiveUser == 0 ? 0
            : 100 * min(1, Double(f.events) / Double(f.activeUsers) / (2 * f.tenantEventsPerActiveUser))
        let trend = f.priorEvents == 0 ? (f.recentEvents > 0 ? 100 : 0) : min(100, 50 * Double(f.recentEvents) / Double(f.priorEvents))
        let recency = f.lastEventDay.map { 100 * max(0, 1 - Double(f.day - $0) / Double(windowDays)) } ?? 0
        return [activity, breadth, depth, trend, recency]
    }

    public static func health(of account: AccountIndex, _ facts: HealthFacts, settings: HealthSettings) -> AccountHealth {
        let exact = components(facts)
        let score = settings.score(exact)
        return AccountHealth(account: account, components: exact.map { Int($0.rounded()) }, score: score, status: settings.status(of: score), facts: facts)
    }
}
