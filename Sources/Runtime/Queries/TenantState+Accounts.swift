/// Account questions: the list with usage, one account's detail, trend and top users, declining
/// accounts, per-account feature usage and the values the filters can take. Events per account
/// come from the per-day account counts, active users from the day bitmaps AND the members.
extension TenantState {
    public struct AccountUsage: Sendable, Equatable {
        public var account: String
        /// Users who ever sent events for the account.
        public var users: Int
        /// Of those, the ones active in the range.
        public var activeUsers: Int
        public var events: Int
        public var firstSeenMs: Int64?
        public var lastSeenMs: Int64?
        public var profile: AccountProfile
    }

    public enum AccountOrder: String, Sendable, CaseIterable {
        case events, activeUsers = "active_users", users, lastSeen = "last_seen", name
    }

    public struct AccountPage: Sendable, Equatable {
        /// Accounts the filter keeps.
        public var total: Int
        public var rows: [AccountUsage]
    }

    /// The accounts the filter keeps, in `order` (ties by name), with their usage in `range`;
    /// `limit` rows from `offset`. Sorting needs only numbers, so names, profiles and active
    /// users are worked out for the rows returned (active users for all when sorting by them).
    public func accountList(_ range: DayRange, filter: AccountFilter = AccountFilter(), order: AccountOrder = .events,
                            offset: Int = 0, limit: Int = .max) -> AccountPage {
        let kept: [UInt32] = resolve(filter)?.accounts.map(\.rawValue) ?? Array(0..<UInt32(accounts.count))
        let active = activeUsers(in: range)
        let events = accountEvents(in: range)
        func name(_ a: UInt32) -> String { accountNames.string(a) }
        let sorted: [UInt32]
        switch order {
        case .name:
            sorted = kept.map { ($0, name($0)) }.sorted { $0.1 < $1.1 }.map(\.0)
        default:
            let key: [Int64] = kept.map { a in
                switch order {
                case .events: Int64(events[Int(a)])
                case .activeUsers: Int64(accounts.users[Int(a)].intersectionCount(active))
                case .users: Int64(accounts.users[Int(a)].count)
                default: accounts.summaries[Int(a)].eventCount > 0 ? accounts.summaries[Int(a)].lastSeen : .min
                }
            }
            sorted = kept.indices.sorted { i, j in key[i] != key[j] ? key[i] > key[j] : name(kept[i]) < name(kept[j]) }.map { kept[$0] }
        }
        let page = sorted.dropFirst(offset).prefix(limit)
        return AccountPage(total: kept.count, rows: page.map { usage(of: AccountIndex($0), active: active, events: events[Int($0)]) })
    }

    private func usage(of a: AccountIndex, active: Bitmap, events: Int) -> AccountUsage {
        let summary = accounts[a]
        let members = accounts.users[Int(a.rawValue)]
        return AccountUsage(account: accountNames.string(a.rawValue), users: members.count, activeUsers: members.intersectionCount(active),
                            events: events, firstSeenMs: summary.eventCount > 0 ? summary.firstSeen : nil,
                            lastSeenMs: summary.eventCount > 0 ? summary.lastSeen : nil, profile: profiles.account(a))
    }

    /// Users active on any day of `range`.
    public func activeUsers(in range: DayRange) -> Bitmap {
        Bitmap.union(of: range.all.compactMap { days[$0]?.active })
    }

    /// Events per account in `range`, indexed by account.
    public func accountEvents(in range: DayRange) -> [Int] {
        var totals = [Int](repeating: 0, count: accounts.count)
        for d in range.all {
            guard let index = days[d] else { continue }
            index.accountCounts.withUnsafeBufferPointer { counts in
                for a in 0..<min(counts.count, totals.count) { totals[a] &+= Int(counts[a]) }
            }
        }
        return totals
    }

    public struct AccountDetail: Sendable, Equatable {
        public var usage: AccountUsage
        public var topUsers: [UserActivity]
    }

    public func accountDetail(_ name: String, range: DayRange, topUsers limit: Int = 10) -> AccountDetail? {
        guard let a = accountIndex(name) else { return nil }
        let events = range.all.reduce(0) { $0 + (days[$1]?.count(ofAccount: a) ?? 0) }
        return AccountDetail(usage: usage(of: a, active: activeUsers(in: range), events: events), topUsers: accountTopUsers(a, range: range, limit: limit))
    }

    /// The account's users with the most events for it in `range`.
    public func accountTopUsers(_ account: AccountIndex, range: DayRange, limit: Int = 10) -> [UserActivity] {
        let startMs = calendar.startMs(of: range.first), endMs = calendar.startMs(of: range.last + 1)
        var counts: [UInt32: Int] = [:]
        log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= startMs, chunk.minTimestamp < endMs else { return }
            for row in 0..<chunk.count where chunk.accounts[row] == account.rawValue {
                let ts = chunk.timestamps[row]
                if ts >= startMs && ts < endMs { counts[users.canonical(chunk.users[row]), default: 0] += 1 }
            }
        }
        return counts.sorted { ($0.value, userNames.string($1.key)) > ($1.value, userNames.string($0.key)) }.prefix(limit).map { u, n in
            UserActivity(user: userNames.string(u), events: n, account: accountNames.string(account.rawValue), lastSeenMs: users[u].lastSeen)
        }
    }

    public struct AccountDay: Sendable, Equatable {
        public var day: DayNumber
        public var activeUsers: Int
        public var events: Int
    }

    public func accountTrend(_ account: AccountIndex, range: DayRange) -> [AccountDay] {
        let members = accounts.users[Int(account.rawValue)]
        return range.all.map { d in
            guard let index = days[d] else { return AccountDay(day: d, activeUsers: 0, events: 0) }
            return AccountDay(day: d, activeUsers: index.active.intersectionCount(members), events: index.count(ofAccount: account))
        }
    }

    public struct DecliningAccount: Sendable, Equatable {
        public var account: String
        public var events: Int
        public var previousEvents: Int
        public var activeUsers: Int
        public var previousActiveUsers: Int
        /// The fall in events, as a share of the previous period's (0 to 1).
        public var decline: Double
        public var profile: AccountProfile
    }

    /// Accounts with fewer events in `range` than in the period of equal length before it,
    /// steepest fall first.
    public func decliningAccounts(_ range: DayRange, filter: AccountFilter = AccountFilter()) -> [DecliningAccount] {
        let previous = DayRange(first: range.first - DayNumber(range.count), last: range.first - 1)
        let now = accountEvents(in: range), before = accountEvents(in: previous)
        let keep = resolve(filter).map { Set($0.accounts.map(\.rawValue)) }
        let activeNow = activeUsers(in: range), activeBefore = activeUsers(in: previous)
        var rows: [DecliningAccount] = []
        for a in 0..<accounts.count where now[a] < before[a] && (keep?.contains(UInt32(a)) ?? true) {
            let members = accounts.users[a]
            rows.append(DecliningAccount(account: accountNames.string(UInt32(a)), events: now[a], previousEvents: before[a],
                                         activeUsers: members.intersectionCount(activeNow), previousActiveUsers: members.intersectionCount(activeBefore),
                                         decline: Double(before[a] - now[a]) / Double(before[a]), profile: profiles.account(AccountIndex(UInt32(a)))))
        }
        return rows.sorted { ($0.decline, $0.previousEvents, $1.account) > ($1.decline, $1.previousEvents, $0.account) }
    }

    public struct FeatureUse: Sendable, Equatable {
        public var users: Int
        public var events: Int
    }

    public struct AccountFeatureUsage: Sendable, Equatable {
        public var account: String
        public var activeUsers: Int
        /// One entry per requested feature, in the order asked.
        public var features: [FeatureUse]
    }

    /// Per account (those with any use), users and events of each feature in `range`.
    public func featureUsage(_ types: [EventTypeIndex], range: DayRange, filter: AccountFilter = AccountFilter()) -> [AccountFeatureUsage] {
        let keep = resolve(filter).map { Set($0.accounts.map(\.rawValue)) }
        let typeSlot = Dictionary(types.enumerated().map { ($1.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
        var events = [[Int]](repeating: [Int](repeating: 0, count: types.count), count: accounts.count)
        let startMs = calendar.startMs(of: range.first), endMs = calendar.startMs(of: range.last + 1)
        log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= startMs, chunk.minTimestamp < endMs else { return }
            for row in 0..<chunk.count where chunk.accounts[row] != AccountIndex.none.rawValue {
                guard let slot = typeSlot[chunk.types[row]], chunk.timestamps[row] >= startMs, chunk.timestamps[row] < endMs else { continue }
                events[Int(chunk.accounts[row])][slot] += 1
            }
        }
        let typeUsers = types.map { t in Bitmap.union(of: range.all.compactMap { days[$0]?.users(ofType: t) }) }
        let active = activeUsers(in: range)
        var rows: [AccountFeatureUsage] = []
        for a in 0..<accounts.count where events[a].contains(where: { $0 > 0 }) && (keep?.contains(UInt32(a)) ?? true) {
            let members = accounts.users[a]
            rows.append(AccountFeatureUsage(account: accountNames.string(UInt32(a)), activeUsers: members.intersectionCount(active),
                                            features: types.indices.map { FeatureUse(users: members.intersectionCount(typeUsers[$0]), events: events[a][$0]) }))
        }
        return rows.sorted { ($0.features.reduce(0) { $0 + $1.events }, $1.account) > ($1.features.reduce(0) { $0 + $1.events }, $0.account) }
    }

    /// Every property key set on any account with its distinct values, and the owners.
    public func accountFilterOptions() -> (properties: [String: [String]], owners: [String]) {
        var values: [String: Set<String>] = [:]
        var owners = Set<String>()
        for profile in profiles.accounts.values {
            for (key, value) in profile.properties { values[key, default: []].insert(value) }
            if let owner = profile.owner { owners.insert(owner) }
        }
        return (values.mapValues { $0.sorted() }, owners.sorted())
    }
}
