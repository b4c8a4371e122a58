/// Columns of up to `EventChunk.capacity` events. A full chunk is sealed into a `SealedChunk`
/// and never changes again, so snapshots and long scans can hold it without copying.
public struct EventColumns: Sendable {
    public var timestamps: [Int64] = []
    public var users: [UInt32] = []
    public var accounts: [UInt32] = []
    public var types: [UInt32] = []
    public var pages: [UInt32] = []
    public var propertySets: [UInt32] = []
    public var minTimestamp: Int64 = .max
    public var maxTimestamp: Int64 = .min

    public init(reserving capacity: Int = 0) {
        if capacity > 0 { reserve(capacity) }
    }

    package mutating func reserve(_ capacity: Int) {
        timestamps.reserveCapacity(capacity); users.reserveCapacity(capacity)
        accounts.reserveCapacity(capacity); types.reserveCapacity(capacity)
        pages.reserveCapacity(capacity); propertySets.reserveCapacity(capacity)
    }

    public var count: Int { timestamps.count }

    mutating func append(_ event: StoredEvent) {
        timestamps.append(event.timestampMs)
        users.append(event.user.rawValue)
        accounts.append(event.account.rawValue)
        types.append(event.type.rawValue)
        pages.append(event.page.rawValue)
        propertySets.append(event.properties.rawValue)
        minTimestamp = min(minTimestamp, event.timestampMs)
        maxTimestamp = max(maxTimestamp, event.timestampMs)
    }

    subscript(row: Int) -> StoredEvent {
        StoredEvent(timestampMs: timestamps[row], user: UserIndex(users[row]), account: AccountIndex(accounts[row]),
                    type: EventTypeIndex(types[row]), page: PageIndex(pages[row]), properties: PropertySetIndex(propertySets[row]))
    }

    var memoryBytes: Int { timestamps.capacity * 8 + (users.capacity + accounts.capacity + types.capacity + pages.capacity + propertySets.capacity) * 4 }
}

/// One event as stored: every field an interned id.
public struct StoredEvent: Sendable, Equatable {
    public var timestampMs: Int64
    public var user: UserIndex
    public var account: AccountIndex
    public var type: EventTypeIndex
    public var page: PageIndex
    public var properties: PropertySetIndex

    public init(timestampMs: Int64, user: UserIndex, account: AccountIndex, type: EventTypeIndex, page: PageIndex, properties: PropertySetIndex) {
        self.timestampMs = timestampMs; self.user = user; self.account = account
        self.type = type; self.page = page; self.properties = properties
    }
}

/// An immutable, full chunk of events.
public final class SealedChunk: Sendable {
    public let columns: EventColumns
    package init(_ columns: EventColumns) { self.columns = columns }
}
