/// Everything one tenant knows: interned identities, the event log and the indexes kept on
/// ingest. A plain value with no concurrency and no I/O; the tenant's actor owns the only copy
/// that changes.
public struct TenantState: Sendable {
    public internal(set) var settings: TenantSettings
    public internal(set) var calendar: TenantCalendar

    public package(set) var userNames = ByteInterner(capacity: 1 << 16)
    public package(set) var accountNames = ByteInterner(capacity: 1 << 12)
    public package(set) var eventTypeNames = ByteInterner(capacity: 64)
    public package(set) var pageNames = ByteInterner(capacity: 1 << 12)
    public package(set) var propertySets = PropertySets()
    /// Users' ids in the customer's own system (`external_id`).
    public package(set) var externalIDs = ByteInterner(capacity: 16)

    public package(set) var log = EventLog()
    public package(set) var days = DayIndexes()
    public package(set) var minutes = MinuteRing()
    /// Every user's sessions and the sessions begun per day (derived: rebuilt from the log on load).
    public package(set) var sessionIndex = SessionIndex()
    /// Users and events per day and property value of the sealed chunks (derived: rebuilt on load).
    public package(set) var propertyDays = PropertyDayIndex()
    /// Page views per day and page of the sealed chunks (the Pendo API's pageEvents by period).
    public package(set) var pageDays = PageDayIndex()
    /// Product event counters per day (the Personyze API's `products_stats_*`).
    public package(set) var productStats = ProductStatsIndex()
    public package(set) var users = UserTable()
    public package(set) var accounts = AccountTable()
    /// Properties, owners and notes set through the API.
    public package(set) var profiles = Profiles()
    public package(set) var segments = Segments()
    public package(set) var nudges = Nudges()
    public package(set) var journeys = Journeys()
    /// Signals the rules raised, and what was done about them.
    public package(set) var signals = Signals()
    /// Settings, labels, alerts, goals and saved views.
    public package(set) var workspace = Workspace()
    /// Success events and the discoveries found for them (docs/discoveries.md).
    public package(set) var discoveries = Discoveries()
    /// Retention set at run time, archived event types, property metadata.
    public package(set) var catalog = DataCatalog()
    /// Visitor and account metadata: fields and the Do Not Process and guide opt-out flags.
    public package(set) var metadata = Metadata()
    /// Pages, features and groups defined by rules (the Pendo-compatible API).
    public package(set) var tagging = Tagging()
    /// The Personyze-compatible API's own tables (docs/personyze.md).
    public package(set) var personyze = PersonyzeTables()
    /// What was done about signals, and whether it worked.
    public package(set) var impact = ImpactActions()
    /// Account health: its settings and the daily scores kept.
    public package(set) var health = HealthRecord()
    /// Timeline annotations (the metrics API's marks).
    public package(set) var marks = Marks()
    /// Structured logs (the metrics API's `/api/v1/logs`), bounded by the events' retention.
    public package(set) var logs = LogStore()
    /// Idempotency keys of the last 24 hours' writes, with their answers.
    public package(set) var idempotency = IdempotencyKeys()
    /// SDK message ids of the last 24 hours, so a library's retry counts each message once.
    public package(set) var messageIDs = MessageIDs()
    /// Events per event type since the start (never evicted).
    public package(set) var typeTotals: [Int] = []

    /// Events accepted since the start, including evicted ones.
    public package(set) var eventsIngested = 0
    /// Rewrites of the stored events (deletes, merges) applied since the state was built.
    public package(set) var eventsRewritten = 0
    /// Log records accepted since the start, including evicted ones.
    public package(set) var logsIngested = 0
    /// Timestamp of the newest event accepted, or nil before the first.
    public package(set) var newestTimestampMs: Int64?
    /// Grows with every change, so answers derived from the state can be cached against it.
    public package(set) var version: UInt64 = 0

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
        log.memoryBytes + days.memoryBytes + sessionIndex.memoryBytes + propertyDays.memoryBytes + pageDays.memoryBytes + productStats.memoryBytes + users.memoryBytes + accounts.memoryBytes + userNames.memoryBytes
            + accountNames.memoryBytes + pageNames.memoryBytes + propertySets.memoryBytes + logs.memoryBytes + messageIDs.memoryBytes
    }
}
