/// The health list as the API serves it: filtered by the global filters and a status, ordered,
/// paged; and one account's history, kept days where they were kept.
extension TenantState {
    public enum HealthOrder: String, Sendable, CaseIterable {
        /// Lowest score first.
        case score
        /// Red, yellow, green; lowest score first within each.
        case status
        /// Lowest trend component first (activity falling fastest).
        case trend
    }

    public struct HealthPage: Sendable, Equatable {
        /// Accounts the filters keep, before the status filter, per status.
        public var counts: [HealthStatus: Int]
        /// Accounts the filters and the status keep.
        public var total: Int
        public var rows: [AccountHealth]
    }

    public func healthList(asOf day: DayNumber, filter: AccountFilter = AccountFilter(), status: HealthStatus? = nil,
                           order: HealthOrder = .score, descending: Bool = false, offset: Int = 0, limit: Int = 100) -> HealthPage {
        var all = accountHealth(asOf: day)
        if let resolved = resolve(filter) {
            let kept = Set(resolved.accounts)
            all.removeAll { !kept.contains($0.account) }
        }
        var counts = Dictionary(uniqueKeysWithValues: HealthStatus.allCases.map { ($0, 0) })
        for h in all { counts[h.status]! += 1 }
        if let status { all.removeAll { $0.status != status } }
        func key(_ h: AccountHealth) -> (Int, Int) {
            switch order {
            case .score: (h.score, 0)
            case .status: (HealthStatus.allCases.firstIndex(of: h.status)!, h.score)
            case .trend: (h.component(.trend), h.score)
            }
        }
        let names = all.map { accountNames.string($0.account.rawValue) }
        let sorted = all.indices.sorted { i, j in
            let (a, b) = (key(all[i]), key(all[j]))
            if a != b { return descending ? a > b : a < b }
            return names[i] < names[j]
        }
        return HealthPage(counts: counts, total: all.count, rows: sorted.dropFirst(offset).prefix(limit).map { all[$0] })
    }

    /// One day of an account's history and where it comes from.
    public struct HealthPoint: Sendable, Equatable {
        public enum Source: String, Sendable { case kept, computed, live }
        public var day: DayNumber
        public var score: Int
        public var status: HealthStatus
        public var components: [Int]
        public var source: Source
    }

    /// The account's score on each day of `range` it existed: the kept score of days that have
    /// one, `today` live, other days worked out from the data as it stands.
    public func healthHistory(_ account: AccountIndex, range: DayRange, today: DayNumber) -> [HealthPoint] {
        let computed = accountHealthHistory(account, range: range)
        return zip(range.all, computed).compactMap { day, live -> HealthPoint? in
            if day < today, let entry = health.day(day)?.entry(of: account) {
                let score = Int(entry.score)
                return HealthPoint(day: day, score: score, status: health.settings.status(of: score), components: entry.components.map(Int.init), source: .kept)
            }
            guard let live else { return nil }
            return HealthPoint(day: day, score: live.score, status: live.status, components: live.components, source: day >= today ? .live : .computed)
        }
    }
}
