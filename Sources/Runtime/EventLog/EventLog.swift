/// The tenant's events in arrival order: sealed chunks plus one open chunk.
/// Old sealed chunks are evicted past retention; the indexes built from them stay.
public struct EventLog: Sendable {
    public static let chunkCapacity = 65_536

    public package(set) var sealed: [SealedChunk] = []
    public package(set) var open = EventColumns(reserving: EventLog.chunkCapacity)
    public package(set) var evictedEvents = 0

    public init() {}

    public var count: Int { sealed.count * Self.chunkCapacity + open.count }

    mutating func append(_ event: StoredEvent) {
        open.append(event)
        if open.count == Self.chunkCapacity {
            sealed.append(SealedChunk(open))
            open = EventColumns(reserving: Self.chunkCapacity)
        }
    }

    /// Every chunk's columns, oldest first (sealed chunks, then the open one).
    public func forEachChunk(_ body: (EventColumns) throws -> Void) rethrows {
        try forEachChunk(in: 0..<chunkCount, body)
    }

    /// Chunks are numbered oldest first, the open one last; scans split work by these numbers.
    public var chunkCount: Int { sealed.count + 1 }

    public func forEachChunk(in numbers: Range<Int>, _ body: (EventColumns) throws -> Void) rethrows {
        for n in numbers.clamped(to: 0..<chunkCount) {
            if n < sealed.count { try body(sealed[n].columns) } else if open.count > 0 { try body(open) }
        }
    }

    /// Every evicted event is older than this; nil before any eviction (and after loading a
    /// snapshot written before it was kept, while unknown).
    public package(set) var evictedBeforeMs: Int64?

    /// Drops sealed chunks whose newest event is older than `cutoffMs`.
    mutating func evict(olderThan cutoffMs: Int64) {
        while let first = sealed.first, first.columns.maxTimestamp < cutoffMs {
            evictedBeforeMs = max(evictedBeforeMs ?? .min, first.columns.maxTimestamp + 1)
            evictedEvents += first.columns.count
            sealed.removeFirst()
        }
    }

    public var memoryBytes: Int { sealed.reduce(open.memoryBytes) { $0 + $1.columns.memoryBytes + $1.rowsByType.memoryBytes } }

    /// Every chunk numbered in `numbers` that holds events timed in `startMs..<endMs`, with the
    /// rows a scan of `types` must read: only those types' rows (in row order) of a sealed chunk
    /// when `types` is given and few (at most a quarter of `typeCount`), else every row (`nil`:
    /// the caller checks each row's type and time).
    func forEachChunk(in numbers: Range<Int>, from startMs: Int64, to endMs: Int64, types: [UInt32]?, typeCount: Int,
                      _ body: (EventColumns, [Int]?) -> Void) {
        let narrow = types.map { $0.count * 4 <= typeCount } ?? false
        for n in numbers.clamped(to: 0..<chunkCount) {
            let columns = n < sealed.count ? sealed[n].columns : open
            guard columns.count > 0, columns.maxTimestamp >= startMs, columns.minTimestamp < endMs else { continue }
            body(columns, narrow && n < sealed.count ? sealed[n].rowsByType.rows(ofTypes: types!) : nil)
        }
    }
}
