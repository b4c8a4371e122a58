/// What happened on one day (tenant time zone): who was active, who was new, and per event type
/// and page how often and by whom. Updated on ingest, read by every per-day question.
public struct DayIndex: Sendable {
    public var active = Bitmap()
    /// Users whose first event falls on this day.
    public var newUsers = Bitmap()
    public var eventCount = 0
    public var typeUsers: [Bitmap] = []
    public var typeCounts: [Int] = []
    /// Per event type, users with more than one event of it that day, and how many more (count − 1):
    /// with `typeUsers` this gives every user's count, for event-count segment rules.
    public var typeExtraCounts: [[UInt32: UInt32]] = []
    public var pageCounts: [Int] = []
    /// Events per account (by `AccountIndex`); the account list and trends sum these.
    public var accountCounts: [UInt32] = []
    /// Per account, the event types it used that day below `accountTypeMaskWidth` (bit t: type t);
    /// the types past them as `account << 32 | type` in `accountTypeOverflow`. Health's breadth
    /// unites these.
    public var accountTypeMasks: [UInt64] = []
    public var accountTypeOverflow: Set<UInt64> = []
    public static let accountTypeMaskWidth = 64

    public init() {}

    @inline(__always)
    mutating func record(user: UInt32, type: Int, page: PageIndex, account: AccountIndex) {
        active.insert(user)
        eventCount += 1
        if account != .none {
            let a = Int(account.rawValue)
            if a >= accountCounts.count { growAccounts(to: a + 1) }
            accountCounts[a] &+= 1
            recordAccountType(a, type)
        }
        if type >= typeCounts.count { growTypes(to: type + 1) }
        if !typeUsers[type].insertIfAbsent(user) { typeExtraCounts[type][user, default: 0] += 1 }
        typeCounts[type] += 1
        if page != .none {
            let p = Int(page.rawValue)
            if p >= pageCounts.count { pageCounts.append(contentsOf: repeatElement(0, count: p + 1 - pageCounts.count)) }
            pageCounts[p] += 1
        }
    }

    @inline(never)
    package mutating func growAccounts(to count: Int) {
        accountCounts.append(contentsOf: repeatElement(0, count: max(count, accountCounts.count * 2) - accountCounts.count))
        accountTypeMasks.append(contentsOf: repeatElement(0, count: accountCounts.count - accountTypeMasks.count))
    }

    /// Notes that account `a` (below `accountCounts.count`) used event type `type` that day.
    @inline(__always)
    package mutating func recordAccountType(_ a: Int, _ type: Int) {
        if type < Self.accountTypeMaskWidth { accountTypeMasks[a] |= 1 << UInt64(type) } else { accountTypeOverflow.insert(UInt64(a) << 32 | UInt64(type)) }
    }

    public func count(ofAccount account: AccountIndex) -> Int {
        Int(account.rawValue) < accountCounts.count ? Int(accountCounts[Int(account.rawValue)]) : 0
    }

    @inline(never)
    package mutating func growTypes(to count: Int) {
        typeUsers.append(contentsOf: (typeCounts.count..<count).map { _ in Bitmap() })
        typeExtraCounts.append(contentsOf: repeatElement([:], count: count - typeCounts.count))
        typeCounts.append(contentsOf: repeatElement(0, count: count - typeCounts.count))
    }

    public func users(ofType type: EventTypeIndex) -> Bitmap? {
        Int(type.rawValue) < typeUsers.count ? typeUsers[Int(type.rawValue)] : nil
    }

    public func count(ofType type: EventTypeIndex) -> Int {
        Int(type.rawValue) < typeCounts.count ? typeCounts[Int(type.rawValue)] : 0
    }

    /// Events of `type` by `user` that day.
    public func count(ofType type: EventTypeIndex, user: UInt32) -> Int {
        let t = Int(type.rawValue)
        guard t < typeUsers.count, typeUsers[t].contains(user) else { return 0 }
        return 1 + Int(typeExtraCounts[t][user] ?? 0)
    }

    /// Moves `from`'s membership to `to` in every set of the day (user merge).
    mutating func reassign(_ from: UInt32, to: UInt32) {
        guard active.contains(from) else { return }
        active.remove(from); active.insert(to)
        for t in typeUsers.indices where typeUsers[t].contains(from) {
            // Counts add up: both had events of the type that day, so `to` gains all of `from`'s.
            let moved = (typeExtraCounts[t].removeValue(forKey: from) ?? 0) + (typeUsers[t].contains(to) ? 1 : 0)
            if moved > 0 { typeExtraCounts[t][to, default: 0] += moved }
            typeUsers[t].remove(from); typeUsers[t].insert(to)
        }
    }

    var memoryBytes: Int {
        active.sizeBytes + newUsers.sizeBytes + typeUsers.reduce(0) { $0 + $1.sizeBytes } + (typeCounts.count + pageCounts.count) * 8 + accountCounts.count * 4
            + typeExtraCounts.reduce(0) { $0 + $1.capacity * 12 }
    }
}

/// Day indexes for a contiguous range of days, extended in either direction as events arrive.
public struct DayIndexes: Sendable {
    public package(set) var firstDay: DayNumber = 0
    public package(set) var days: [DayIndex] = []

    public init() {}

    public var lastDay: DayNumber { firstDay + DayNumber(days.count) - 1 }
    public var isEmpty: Bool { days.isEmpty }

    /// The slot of `day`, creating days as needed.
    @inline(__always)
    package mutating func slot(for day: DayNumber) -> Int {
        if !days.isEmpty, day >= firstDay, day < firstDay + DayNumber(days.count) { return Int(day - firstDay) }
        return extend(to: day)
    }

    @inline(never)
    private mutating func extend(to day: DayNumber) -> Int {
        if days.isEmpty {
            firstDay = day
            days = [DayIndex()]
            return 0
        }
        if day < firstDay {
            let added = Int(firstDay - day)
            days.insert(contentsOf: (0..<added).map { _ in DayIndex() }, at: 0)
            firstDay = day
            return 0
        }
        let needed = Int(day - firstDay) + 1 - days.count
        days.append(contentsOf: (0..<needed).map { _ in DayIndex() })
        return Int(day - firstDay)
    }

    package subscript(slot slot: Int) -> DayIndex {
        get { days[slot] }
        _modify { yield &days[slot] }
    }

    /// The index of `day`, or nil when nothing happened that day.
    public subscript(day: DayNumber) -> DayIndex? {
        guard !days.isEmpty, day >= firstDay, day <= lastDay else { return nil }
        return days[Int(day - firstDay)]
    }

    /// Drops days before `day` (retention of the aggregates themselves).
    mutating func dropDays(before day: DayNumber) {
        guard !days.isEmpty, day > firstDay else { return }
        let n = min(days.count, Int(day - firstDay))
        days.removeFirst(n)
        firstDay += DayNumber(n)
    }

    mutating func forEachDay(in range: ClosedRange<DayNumber>, _ body: (inout DayIndex) -> Void) {
        guard !days.isEmpty else { return }
        let lo = max(range.lowerBound, firstDay), hi = min(range.upperBound, lastDay)
        guard lo <= hi else { return }
        for d in lo...hi { body(&days[Int(d - firstDay)]) }
    }

    var memoryBytes: Int { days.reduce(0) { $0 + $1.memoryBytes } }
}
