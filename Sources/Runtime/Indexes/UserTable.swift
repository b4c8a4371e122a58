/// Per-user summaries, indexed by `UserIndex`: kept on ingest, never rebuilt.
public struct UserTable: Sendable {
    public private(set) var firstSeen: [Int64] = []
    public private(set) var lastSeen: [Int64] = []
    public private(set) var eventCounts: [UInt32] = []
    /// The account of the user's latest event, or `AccountIndex.none`.
    public private(set) var accounts: [UInt32] = []
    public private(set) var isAnonymous: [Bool] = []
    /// The properties of the user's latest event.
    public private(set) var latestProperties: [UInt32] = []
    /// The user this one was merged into, or itself.
    public private(set) var mergedInto: [UInt32] = []
    public private(set) var mergedCount = 0

    public init() {}

    public var count: Int { firstSeen.count }
    /// Users that still stand on their own (not merged into another).
    public var liveCount: Int { count - mergedCount }

    /// Makes room for a newly interned user.
    mutating func add(anonymous: Bool) {
        let id = UInt32(firstSeen.count)
        firstSeen.append(.max); lastSeen.append(.min); eventCounts.append(0)
        accounts.append(AccountIndex.none.rawValue); isAnonymous.append(anonymous); mergedInto.append(id)
        latestProperties.append(PropertySetIndex.empty.rawValue)
    }

    /// Follows merges to the user that now owns `user`'s history.
    @inline(__always)
    public func canonical(_ user: UInt32) -> UInt32 {
        var u = user
        while mergedInto[Int(u)] != u { u = mergedInto[Int(u)] }
        return u
    }

    public func hasEvents(_ user: UInt32) -> Bool { eventCounts[Int(user)] > 0 }

    /// Records one event; returns the user's previous first-seen time.
    @inline(__always)
    mutating func record(user: UInt32, timestampMs: Int64, account: AccountIndex, properties: PropertySetIndex) -> Int64 {
        let i = Int(user)
        let previousFirst = firstSeen[i]
        if timestampMs < previousFirst { firstSeen[i] = timestampMs }
        if timestampMs >= lastSeen[i] {
            lastSeen[i] = timestampMs
            if account != .none { accounts[i] = account.rawValue }
            if properties != .empty { latestProperties[i] = properties.rawValue }
        } else if account != .none && accounts[i] == AccountIndex.none.rawValue {
            accounts[i] = account.rawValue
        }
        eventCounts[i] &+= 1
        return previousFirst
    }

    /// Folds `from` into `to`: `from` disappears as a user of its own.
    mutating func merge(_ from: UInt32, into to: UInt32) {
        let f = Int(from), t = Int(to)
        firstSeen[t] = min(firstSeen[t], firstSeen[f])
        if lastSeen[f] > lastSeen[t] {
            lastSeen[t] = lastSeen[f]
            if accounts[f] != AccountIndex.none.rawValue { accounts[t] = accounts[f] }
            if latestProperties[f] != PropertySetIndex.empty.rawValue { latestProperties[t] = latestProperties[f] }
        }
        if accounts[t] == AccountIndex.none.rawValue { accounts[t] = accounts[f] }
        eventCounts[t] &+= eventCounts[f]
        firstSeen[f] = .max; lastSeen[f] = .min; eventCounts[f] = 0
        mergedInto[f] = to
        mergedCount += 1
    }

    var memoryBytes: Int { count * (8 + 8 + 4 + 4 + 1 + 4 + 4) }
}

/// Per-account summaries, indexed by `AccountIndex`.
public struct AccountTable: Sendable {
    public private(set) var firstSeen: [Int64] = []
    public private(set) var lastSeen: [Int64] = []
    public private(set) var eventCounts: [UInt32] = []
    public private(set) var users: [Bitmap] = []

    public init() {}

    public var count: Int { firstSeen.count }

    mutating func add() {
        firstSeen.append(.max); lastSeen.append(.min); eventCounts.append(0); users.append(Bitmap())
    }

    @inline(__always)
    mutating func record(account: AccountIndex, user: UInt32, timestampMs: Int64) {
        let i = Int(account.rawValue)
        if timestampMs < firstSeen[i] { firstSeen[i] = timestampMs }
        if timestampMs > lastSeen[i] { lastSeen[i] = timestampMs }
        eventCounts[i] &+= 1
        users[i].insert(user)
    }

    /// Moves `from`'s membership in `account` to `to` (user merge).
    mutating func reassign(_ from: UInt32, to: UInt32, in account: AccountIndex) {
        let i = Int(account.rawValue)
        guard account != .none, i < users.count, users[i].contains(from) else { return }
        users[i].remove(from); users[i].insert(to)
    }

    var memoryBytes: Int { count * 20 + users.reduce(0) { $0 + $1.sizeBytes } }
}
