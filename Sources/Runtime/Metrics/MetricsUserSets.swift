/// Per breakdown value (0 without one) and bucket, the users with a counted event: the
/// counting half of an active-user series. Parts of the log are counted apart and united.
public struct MetricsUserSets: Sendable {
    public var width: Int
    public var byValue: [UInt32: [Bitmap]] = [:]

    public init(width: Int) { self.width = width }

    public mutating func add(_ other: MetricsUserSets) {
        for (value, sets) in other.byValue {
            if var mine = byValue.removeValue(forKey: value) {
                for i in mine.indices { mine[i] = mine[i].union(sets[i]) }
                byValue[value] = mine
            } else {
                byValue[value] = sets
            }
        }
    }
}

extension TenantState {
    /// Users per breakdown value and bucket of `query.window`, over the chunks numbered `chunks`.
    public func metricsUserSets(_ query: MetricsQuery, chunks: Range<Int>? = nil) -> MetricsUserSets {
        let width = query.window.buckets.count
        var matcher = EventMatcher(query.conditions, in: self)
        var slotting = DimensionSlots(query.breakdown, in: self)
        var slots: [[Bitmap]] = []
        // With at most 64 buckets, the first slots keep one word per user, a bit per bucket: an
        // OR per event instead of a bitmap insert at a random place; the bitmaps are built from
        // the words after the scan, each in user order. Bounded to 32 MiB of words, and only
        // worth it when the rows read outnumber the users (reading the words costs a pass over all).
        let rows = (chunks ?? 0..<log.chunkCount).clamped(to: 0..<log.chunkCount).reduce(0) { $0 + ($1 < log.sealed.count ? EventLog.chunkCapacity : log.open.count) }
        let maskSlots = width <= 64 && rows >= users.count ? min(64, (4 << 20) / max(1, users.count)) : 0
        var masks: [[UInt64]] = []
        forEachMetricsEvent(in: query.window, matching: &matcher, chunks: chunks) { event in
            let current = slotting.slot(type: event.type, page: event.page, user: event.user, set: event.set, in: self)
            if current == slots.count { slots.append((0..<width).map { _ in Bitmap() }) }
            if current < maskSlots {
                while masks.count <= current { masks.append([UInt64](repeating: 0, count: users.count)) }
                masks[current][Int(event.user)] |= 1 << UInt64(event.bucket)
            } else {
                slots[current][event.bucket].insert(event.user)
            }
        }
        for (slot, words) in masks.enumerated() {
            for (user, word) in words.enumerated() where word != 0 {
                var bits = word
                while bits != 0 {
                    slots[slot][bits.trailingZeroBitCount].insert(UInt32(user))
                    bits &= bits - 1
                }
            }
        }
        var sets = MetricsUserSets(width: width)
        for (i, value) in slotting.values.enumerated() { sets.byValue[value] = i < slots.count ? slots[i] : (0..<width).map { _ in Bitmap() } }
        return sets
    }
}
