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

/// An immutable, full chunk of events, with its rows grouped by event type: a scan of a few
/// types reads only their rows (as a column store ordered by event would).
public final class SealedChunk: Sendable {
    public let columns: EventColumns
    public let rowsByType: ChunkTypeRows
    package init(_ columns: EventColumns) {
        self.columns = columns
        rowsByType = ChunkTypeRows(columns.types)
    }
}

/// A chunk's row numbers grouped by event type, each group in row order; built by a counting
/// sort when the chunk is sealed (2 bytes a row), never stored (snapshots rebuild it).
public struct ChunkTypeRows: Sendable {
    /// Rows of type t are `rows[starts[t] ..< starts[t + 1]]`; types past `starts` have none.
    private let starts: [Int32]
    private let rows: [UInt16]

    init(_ types: [UInt32]) {
        let typeCount = Int(types.max().map { $0 + 1 } ?? 0)
        var starts = [Int32](repeating: 0, count: typeCount + 1)
        for t in types { starts[Int(t) + 1] += 1 }
        for i in 0..<typeCount { starts[i + 1] += starts[i] }
        var next = starts
        var rows = [UInt16](repeating: 0, count: types.count)
        for (row, t) in types.enumerated() {
            rows[Int(next[Int(t)])] = UInt16(truncatingIfNeeded: row)
            next[Int(t)] += 1
        }
        self.starts = starts; self.rows = rows
    }

    /// The rows of type `type`, in row order (empty when the chunk has none).
    public func withRows<R>(ofType type: UInt32, _ body: (UnsafeBufferPointer<UInt16>) -> R) -> R {
        guard Int(type) + 1 < starts.count else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        let range = Int(starts[Int(type)])..<Int(starts[Int(type) + 1])
        return rows.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// The rows of any of `types` (sorted type ids), in row order: each type's rows are in row
    /// order already, so they are merged, never sorted.
    public func rows(ofTypes types: [UInt32]) -> [Int] {
        var lists: [[Int]] = types.compactMap { t in
            Int(t) + 1 < starts.count ? rows[Int(starts[Int(t)])..<Int(starts[Int(t) + 1])].map(Int.init) : nil
        }
        // Pairwise merges: log2(k) passes over the rows.
        while lists.count > 1 {
            var merged: [[Int]] = []
            for i in stride(from: 0, to: lists.count, by: 2) {
                merged.append(i + 1 < lists.count ? Self.merge(lists[i], lists[i + 1]) : lists[i])
            }
            lists = merged
        }
        return lists.first ?? []
    }

    private static func merge(_ a: [Int], _ b: [Int]) -> [Int] {
        var out = [Int]()
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] < b[j] { out.append(a[i]); i += 1 } else { out.append(b[j]); j += 1 }
        }
        out.append(contentsOf: a[i...]); out.append(contentsOf: b[j...])
        return out
    }

    var memoryBytes: Int { starts.capacity * 4 + rows.capacity * 2 }
}
