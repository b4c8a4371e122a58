import Foundation

/// Generates a product's events over a window: sessions that open with a login and a landing page
/// and move through pages and features (reports viewed then exported, dashboards then filters),
/// weekday and hour-of-day seasonality, new users through signup and an onboarding funnel with
/// drop-off, some of them anonymous first and merged at signup, and a feature adopted by a few.
/// The same options and seed give the same records.
public struct DemoGenerator: Sendable {
    public struct Options: Sendable {
        public var events: Int
        public var users: Int
        public var accounts: Int
        public var days: Int
        /// The window is [endMs - days, endMs).
        public var endMs: Int64
        public var seed: UInt64

        public init(events: Int, users: Int, accounts: Int? = nil, days: Int, endMs: Int64, seed: UInt64 = 42) {
            self.events = events; self.users = users; self.accounts = accounts ?? max(1, users / 20)
            self.days = days; self.endMs = endMs; self.seed = seed
        }
    }

    public let options: Options

    public init(_ options: Options) { self.options = options }

    static let dayMs: Int64 = 86_400_000
    /// Relative activity per UTC hour (Europe and the Americas at work).
    static let hourWeights: [Double] = [2, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 8, 9, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2]
    static let featurePages = ["/dashboard", "/reports", "/settings", "/team", "/billing", "/integrations", "/search"]

    /// Exactly `events` events (plus the merges of anonymous visitors), in time order.
    public func records() -> [DemoRecord] {
        var rng = SplitMix64(seed: options.seed)
        let population = DemoPopulation(users: options.users, accounts: options.accounts, days: options.days, rng: &rng)
        let startMs = options.endMs - Int64(options.days) * Self.dayMs
        let userTable = CumulativeTable(population.users.map { $0.weight * Double($0.lastDay - $0.firstDay + 1) })
        let hourTable = CumulativeTable(Self.hourWeights)
        var records: [DemoRecord] = []
        records.reserveCapacity(options.events + options.events / 50)
        var events = 0
        var onboarded = [Bool](repeating: false, count: population.users.count)
        while events < options.events {
            let u = userTable.sample(&rng)
            let user = population.users[u]
            var day = user.firstDay + Int(rng.next() % UInt64(user.lastDay - user.firstDay + 1))
            // Weekends are quieter: most weekend sessions move to a weekday.
            let weekday = Int((startMs / Self.dayMs + Int64(day) + 3) % 7)   // 0 Monday
            if weekday >= 5, rng.chance(0.6) { day = max(user.firstDay, day - (weekday - 4)) }
            var at = startMs + Int64(day) * Self.dayMs + Int64(hourTable.sample(&rng)) * 3_600_000 + Int64(rng.next() % 3_600_000)
            at = min(at, options.endMs - 1)
            var session: [DemoRecord] = []
            if user.isNew && !onboarded[u] {
                onboarded[u] = true
                session = onboarding(user, population, at: at, rng: &rng)
            } else {
                session = ordinarySession(user, population, at: at, rng: &rng)
            }
            for record in session {
                if case .event = record {
                    guard events < options.events else { break }
                    events += 1
                }
                records.append(record)
            }
        }
        records.sort { $0.timestampMs < $1.timestampMs }
        return records
    }

    private func properties(_ user: DemoPopulation.User, _ population: DemoPopulation, _ extra: [(String, String)] = []) -> [(key: String, value: String)] {
        let base = [("browser", user.browser), ("country", user.country), ("device_type", user.device), ("os", user.os),
                    ("plan", population.accounts[user.account].plan), ("platform", user.platform)]
        return (base + extra).sorted { $0.0 < $1.0 }.map { (key: $0.0, value: $0.1) }
    }

    private func event(_ name: String, _ user: DemoPopulation.User, _ population: DemoPopulation, at: Int64, page: String? = nil,
                       as who: String? = nil, extra: [(String, String)] = []) -> DemoRecord {
        .event(DemoEvent(name: name, user: who ?? user.name, account: population.accounts[user.account].name, page: page,
                         timestampMs: min(at, options.endMs - 1), properties: properties(user, population, extra)))
    }

    /// Anonymous browsing first (for some), then signup and the onboarding funnel with drop-off.
    private func onboarding(_ user: DemoPopulation.User, _ population: DemoPopulation, at: Int64, rng: inout SplitMix64) -> [DemoRecord] {
        var out: [DemoRecord] = []
        var t = at
        if let anonymous = user.anonymousID {
            let before = max(at - Int64(1 + rng.next() % 48) * 3_600_000, options.endMs - Int64(options.days) * Self.dayMs)
            var b = before
            for page in ["/", "/pricing", "/features"].prefix(1 + Int(rng.next() % 3)) {
                out.append(event("page_view", user, population, at: b, page: page, as: anonymous))
                b += Int64(20_000 + rng.next() % 90_000)
            }
            t = max(t, b + 60_000)
        }
        out.append(event("page_view", user, population, at: t, page: "/signup"))
        t += Int64(30_000 + rng.next() % 120_000)
        out.append(event("signup", user, population, at: t, page: "/signup"))
        if let anonymous = user.anonymousID { out.append(.merge(anonymousID: anonymous, user: user.name, timestampMs: t)) }
        let steps: [(String, Double)] = [("onboarding_started", 0.8), ("onboarding_completed", 0.65), ("first_report_created", 0.6)]
        for (step, keep) in steps {
            guard rng.chance(keep) else { break }
            // Some steps come days later, a few beyond a week.
            t += rng.chance(0.2) ? Int64(1 + rng.next() % 9) * Self.dayMs : Int64(60_000 + rng.next() % 900_000)
            out.append(event(step, user, population, at: t, page: "/onboarding"))
        }
        return out
    }

    private func ordinarySession(_ user: DemoPopulation.User, _ population: DemoPopulation, at: Int64, rng: inout SplitMix64) -> [DemoRecord] {
        var out: [DemoRecord] = []
        var t = at
        if rng.chance(0.6) { out.append(event("login", user, population, at: t, page: "/login")); t += 5_000 }
        let length = 2 + Int(rng.next() % 12)
        var page = "/dashboard"
        out.append(event("page_view", user, population, at: t, page: page))
        for _ in 0..<length {
            t += Int64(5_000 + rng.next() % 240_000)
            switch rng.next() % 10 {
            case 0, 1, 2:
                page = rng.chance(0.5) ? "/reports/\(1 + rng.next() % 40)" : rng.pick(Self.featurePages)
                out.append(event("page_view", user, population, at: t, page: page))
            case 3, 4:
                let report = "\(1 + rng.next() % 40)"
                out.append(event("report_viewed", user, population, at: t, page: "/reports/\(report)", extra: [("report_id", report)]))
                if rng.chance(0.3) {
                    t += Int64(10_000 + rng.next() % 60_000)
                    out.append(event("report_exported", user, population, at: t, page: "/reports/\(report)",
                                     extra: [("format", rng.pick(["csv", "pdf", "xlsx"])), ("report_id", report)]))
                }
            case 5:
                out.append(event("dashboard_viewed", user, population, at: t, page: "/dashboard"))
                if rng.chance(0.4) { t += 8_000; out.append(event("filter_applied", user, population, at: t, page: "/dashboard")) }
            case 6:
                out.append(event("search", user, population, at: t, page: "/search", extra: [("results", "\(rng.next() % 50)")]))
            case 7:
                // The AI assistant: adopted by about one user in five.
                if user.name.utf8.count % 5 == 0 { out.append(event("ai_assistant_used", user, population, at: t, page: page)) }
                else { out.append(event("comment_added", user, population, at: t, page: page)) }
            case 8:
                out.append(event(rng.chance(0.5) ? "invite_sent" : "settings_updated", user, population, at: t, page: rng.chance(0.5) ? "/team" : "/settings"))
            default:
                out.append(event("page_view", user, population, at: t, page: page))
            }
        }
        return out
    }
}
