/// The global filters on accounts: firmographics set through the API and the owner. Values
/// compare without regard to case; a filter with nothing set matches everything.
public struct AccountFilter: Sendable, Equatable {
    public var industry: String?
    public var companySize: String?
    public var owner: String?

    public init(industry: String? = nil, companySize: String? = nil, owner: String? = nil) {
        self.industry = industry; self.companySize = companySize; self.owner = owner
    }

    public var isEmpty: Bool { industry == nil && companySize == nil && owner == nil }

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

/// A filter resolved against a state: the accounts it keeps and their members.
public struct ResolvedAccountFilter: Sendable {
    public var accounts: [AccountIndex]
    public var users: Bitmap
}

extension TenantState {
    /// nil when the filter is empty (keep everything).
    public func resolve(_ filter: AccountFilter) -> ResolvedAccountFilter? {
        guard !filter.isEmpty else { return nil }
        // Only accounts with a profile can match a non-empty filter.
        let kept = profiles.accounts.filter { filter.matches($0.value) }.keys.sorted().map(AccountIndex.init)
        return ResolvedAccountFilter(accounts: kept, users: Bitmap.union(of: kept.map { accounts.users[Int($0.rawValue)] }))
    }
}
