/// What is known about one user; one record per user so an event touches one cache line.
public struct UserSummary: Sendable, Equatable {
    public var firstSeen: Int64 = .max
    public var lastSeen: Int64 = .min
    public var eventCount: UInt32 = 0
    /// The account of the user's latest event, or `AccountIndex.none`.
    public var account: UInt32 = AccountIndex.none.rawValue
    /// The properties of the user's latest event.
    public var latestProperties: UInt32 = PropertySetIndex.empty.rawValue
    /// The property set of the event recorded last (in arrival order): the likeliest set of the next one.
    public var recentProperties: UInt32 = PropertySetIndex.empty.rawValue
    /// The id, in the tenant's `externalIDs`, of the latest `external_id` sent for the user, or `UInt32.max`.
    public var externalID: UInt32 = .max
    /// The user this one was merged into, or itself.
    public var mergedInto: UInt32
    public var isAnonymous: Bool

    package init(firstSeen: Int64 = .max, lastSeen: Int64 = .min, eventCount: UInt32 = 0, account: UInt32 = AccountIndex.none.rawValue,
                 latestProperties: UInt32 = PropertySetIndex.empty.rawValue, recentProperties: UInt32 = PropertySetIndex.empty.rawValue,
                 externalID: UInt32 = .max, mergedInto: UInt32, isAnonymous: Bool) {
        self.firstSeen = firstSeen; self.lastSeen = lastSeen; self.eventCount = eventCount; self.account = account
        self.latestProperties = latestProperties; self.recentProperties = recentProperties; self.externalID = externalID
        self.mergedInto = mergedInto; self.isAnonymous = isAnonymous
    }

    /// Whether the user at `id` stands on its own (not merged away) and has events: the users
    /// segments and their universe count.
    @inline(__always)
    public func isKnown(id: Int) -> Bool { eventCount > 0 && mergedInto == UInt32(id) }
}

/// Per-user summaries, indexed by user id: kept on ingest, never rebuilt.
public struct UserTable: Sendable {
    public package(set) var summaries: [UserSummary] = []
    public package(set) var mergedCount = 0

    public init() {}

    public var count: Int { summaries.count }
    /// Users that still stand on their own (not merged into another).
    public var liveCount: Int { count - mergedCount }

    public subscript(user: UInt32) -> UserSummary { summaries[Int(user)] }

    /// Makes room for a newly interned user.
    mutating func add(anonymous: Bool) {
        summaries.append(UserSummary(mergedInto: UInt32(summaries.count), isAnonymous: anonymous))
    }

    /// Follows merges to the user that now owns `user`'s history.
    @inline(__always)
    public func canonical(_ user: UInt32) -> UInt32 {
        var u = user
        while summaries[Int(u)].mergedInto != u { u = summaries[Int(u)].mergedInto }
        return u
    }

    public func hasEvents(_ user: UInt32) -> Bool { summaries[Int(user)].eventCount > 0 }

    mutating func setExternalID(_ id: UInt32, of user: UInt32) { summaries[Int(user)].externalID = id }

    /// Records one event; returns the user's first-seen time and account before it.
    @inline(__always)
    mutating func record(user: UInt32, timestampMs: Int64, account: AccountIndex, properties: PropertySetIndex) -> (firstSeen: Int64, account: UInt32) {
        summaries.withUnsafeMutableBufferPointer { all in
            let before = (all[Int(user)].firstSeen, all[Int(user)].account)
            Self.update(&all[Int(user)], timestampMs: timestampMs, account: account, properties: properties)
            return before
        }
    }

    @inline(__always)
    private static func update(_ s: inout UserSummary, timestampMs: Int64, account: AccountIndex, properties: PropertySetIndex) {
        if timestampMs < s.firstSeen { s.firstSeen = timestampMs }
        if timestampMs >= s.lastSeen {
            s.lastSeen = timestampMs
            if account != .none { s.account = account.rawValue }
            if properties != .empty { s.latestProperties = properties.rawValue }
        } else if account != .none && s.account == AccountIndex.none.rawValue {
            s.account = account.rawValue
        }
        s.recentProperties = properties.rawValue
        s.eventCount &+= 1
    }

    /// Folds `from` into `to`: `from` disappears as a user of its own.
    mutating func merge(_ from: UInt32, into to: UInt32) {
        let f = summaries[Int(from)]
        var t = summaries[Int(to)]
        t.firstSeen = min(t.firstSeen, f.firstSeen)
        if f.lastSeen > t.lastSeen {
            t.lastSeen = f.lastSeen
            if f.account != AccountIndex.none.rawValue { t.account = f.account }
            if f.latestProperties != PropertySetIndex.empty.rawValue { t.latestProperties = f.latestProperties }
        }
        if t.account == AccountIndex.none.rawValue { t.account = f.account }
        if t.externalID == .max { t.externalID = f.externalID }
        t.eventCount &+= f.eventCount
        summaries[Int(to)] = t
        summaries[Int(from)] = UserSummary(mergedInto: to, isAnonymous: f.isAnonymous)
        mergedCount += 1
    }

    var memoryBytes: Int { summaries.capacity * MemoryLayout<UserSummary>.stride }
}

/// What is known about one account.
public struct AccountSummary: Sendable, Equatable {
    public var firstSeen: Int64 = .max
    public var lastSeen: Int64 = .min
    public var eventCount: UInt32 = 0

    package init(firstSeen: Int64 = .max, lastSeen: Int64 = .min, eventCount: UInt32 = 0) {
        self.firstSeen = firstSeen; self.lastSeen = lastSeen; self.eventCount = eventCount
    }
}

/// Per-account summaries and members, indexed by `AccountIndex`.
public struct AccountTable: Sendable {
    public package(set) var summaries: [AccountSummary] = []
    /// Users who sent events for each account.
    public package(set) var users: [Bitmap] = []

    public init() {}

    public var count: Int { summaries.count }

    public subscript(account: AccountIndex) -> AccountSummary { summaries[Int(account.rawValue)] }

    mutating func add() {
        summaries.append(AccountSummary()); users.append(Bitmap())
    }

    /// - Parameter isNewMember: false when the user's previous event named this account, so the
    ///   membership bitmap (a few pointer hops away) need not be touched.
    @inline(__always)
    mutating func record(account: AccountIndex, user: UInt32, timestampMs: Int64, isNewMember: Bool) {
        let i = Int(account.rawValue)
        summaries.withUnsafeMutableBufferPointer { all in
            if timestampMs < all[i].firstSeen { all[i].firstSeen = timestampMs }
            if timestampMs > all[i].lastSeen { all[i].lastSeen = timestampMs }
            all[i].eventCount &+= 1
        }
        if isNewMember { users[i].insert(user) }
    }

    /// Moves `from`'s membership in `account` to `to` (user merge).
    mutating func reassign(_ from: UInt32, to: UInt32, in account: AccountIndex) {
        let i = Int(account.rawValue)
        guard account != .none, i < users.count, users[i].contains(from) else { return }
        users[i].remove(from); users[i].insert(to)
    }

    var memoryBytes: Int { summaries.capacity * MemoryLayout<AccountSummary>.stride + users.reduce(0) { $0 + $1.sizeBytes } }
}
