/// The global filters: firmographics set through the API, the owner, and a segment. Values
/// compare without regard to case; a filter with nothing set matches everything.
public struct AccountFilter: Sendable, Equatable {
    public var industry: String?
    public var companySize: String?
    public var owner: String?
    /// Keep only this segment's users (and the accounts they belong to).
    public var segment: Int?

    public init(industry: String? = nil, companySize: String? = nil, owner: String? = nil, segment: Int? = nil) {
        self.industry = industry; self.companySize = companySize; self.owner = owner; self.segment = segment
    }

    public var isEmpty: Bool { !filtersAccounts && segment == nil }
    var filtersAccounts: Bool { industry != nil || companySize != nil || owner != nil }

    public func matches(_ profile: AccountProfile) -> Bool {
        Self.same(industry, profile.properties["industry"]) && Self.same(companySize, profile.properties["company_size"])
            && Self.same(owner, profile.owner)
    }

    private static func same(_ wanted: String?, _ actual: String?) -> Bool {
        guard let wanted else { return true }
        guard let actual else { return false }
        return wanted.lowercased() == actual.lowercased()
    }
}

/// A filter resolved against a state: the accounts it keeps and the users.
public struct ResolvedAccountFilter: Sendable {
    public var accounts: [AccountIndex]
    public var users: Bitmap
    /// Events are counted by the users kept (a segment is involved), not by the accounts they name.
    public var countsEventsByUser: Bool
}

extension TenantState {
    /// nil when the filter is empty (keep everything). A segment that does not exist keeps no one;
    /// callers check `segments` first to answer with an error.
    public func resolve(_ filter: AccountFilter) -> ResolvedAccountFilter? {
        guard !filter.isEmpty else { return nil }
        var kept: [AccountIndex]
        var users: Bitmap
        if filter.filtersAccounts {
            // Only accounts with a profile can match.
            kept = profiles.accounts.filter { filter.matches($0.value) }.keys.sorted().map(AccountIndex.init)
            users = Bitmap.union(of: kept.map { accounts.users[Int($0.rawValue)] })
        } else {
            kept = (0..<UInt32(accounts.count)).map(AccountIndex.init)
            users = knownUsers()
        }
        if let id = filter.segment {
            let members = segments.byID[id]?.members ?? Bitmap()
            users.formIntersection(members)
            kept = kept.filter { accounts.users[Int($0.rawValue)].intersectionCount(members) > 0 }
        }
        return ResolvedAccountFilter(accounts: kept, users: users, countsEventsByUser: filter.segment != nil)
    }
}
