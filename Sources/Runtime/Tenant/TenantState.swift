/// Everything one tenant knows: interned identities, the event log and the indexes kept on
/// ingest. A plain value with no concurrency and no I/O; the tenant's actor owns the only copy
/// that changes.
public struct TenantState: Sendable {
    public internal(set) var settings: TenantSettings
    public internal(set) var calendar: TenantCalendar

    public internal(set) var userNames = ByteInterner(capacity: 1 << 16)
    public internal(set) var accountNames = ByteInterner(capacity: 1 << 12)
    public internal(set) var eventTypeNames = ByteInterner(capacity: 64)
    public internal(set) var pageNames = ByteInterner(capacity: 1 << 12)
    public internal(set) var propertySets = PropertySets()
    /// Users' ids in the customer's own system (`external_id`).
    public internal(set) var externalIDs = ByteInterner(capacity: 16)

    public internal(set) var log = EventLog()
    public internal(set) var days = DayIndexes()
    public internal(set) var minutes = MinuteRing()
    public internal(set) var users = UserTable()
    public internal(set) var accounts = AccountTable()
    /// Properties, owners and notes set through the API.
    public internal(set) var profiles = Profiles()
    public internal(set) var segments = Segments()
    public internal(set) var nudges = Nudges()
    public internal(set) var journeys = Journeys()
    /// Idempotency keys of the last 24 hours' writes, with their answers.
    public internal(set) var idempotency = IdempotencyKeys()
    /// Events per event type since the start (never evicted).
    public internal(set) var typeTotals: [Int] = []

    /// Events accepted since the start, including evicted ones.
    public internal(set) var eventsIngested = 0
    /// Timestamp of the newest event accepted, or nil before the first.
    public internal(set) var newestTimestampMs: Int64?
    /// Grows with every change, so answers derived from the state can be cached against it.
    public internal(set) var version: UInt64 = 0

    public init(settings: TenantSettings) {
        self.settings = settings
        self.calendar = TenantCalendar(timeZone: settings.timeZone)
    }

    /// The day `timestampMs` falls on in the tenant's time zone.
    public func day(of timestampMs: Int64) -> DayNumber {
        var calendar = self.calendar
        return calendar.day(of: timestampMs)
    }

    public func userIndex(_ name: String) -> UserIndex? {
        userNames.lookup(name).map { UserIndex(users.canonical($0)) }
    }

    /// The `external_id` last sent for a user, if any.
    public func externalID(of user: UserIndex) -> String? {
        let id = users[user.rawValue].externalID
        return id == .max ? nil : externalIDs.string(id)
    }

    public func eventTypeIndex(_ name: String) -> EventTypeIndex? { eventTypeNames.lookup(name).map(EventTypeIndex.init) }

    public func accountIndex(_ name: String) -> AccountIndex? { accountNames.lookup(name).map(AccountIndex.init) }

    /// Approximate bytes held by the tenant's data structures.
    public var memoryBytes: Int {
        log.memoryBytes + days.memoryBytes + users.memoryBytes + accounts.memoryBytes + userNames.memoryBytes
            + accountNames.memoryBytes + pageNames.memoryBytes + propertySets.memoryBytes
    }
}
