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
        var dimension = query.breakdown.map { EventDimension($0, in: self) }
        // Each value's bitmaps sit in a slot; a property's slot is found once per property set,
        // other fields' on a change of value, so the hot path is one array read and one insert.
        var slots: [[Bitmap]] = [], slotValues: [UInt32] = [], slotOfValue: [UInt32: Int] = [:]
        func slot(of value: UInt32) -> Int {
            if let known = slotOfValue[value] { return known }
            slots.append((0..<width).map { _ in Bitmap() }); slotValues.append(value)
            slotOfValue[value] = slots.count - 1
            return slots.count - 1
        }
        var isProperty = false
        if case .property = query.breakdown { isProperty = true }
        var slotOfSet = [Int32](repeating: -1, count: isProperty ? propertySets.count : 0)
        var lastValue = UInt32.max - 1, lastSlot = 0
        if dimension == nil { lastSlot = slot(of: 0) }
        // With at most 64 buckets, the first slots keep one word per user, a bit per bucket: an
        // OR per event instead of a bitmap insert at a random place; the bitmaps are built from
        // the words after the scan, each in user order. Bounded to 32 MiB of words.
        let maskSlots = width <= 64 ? min(64, (4 << 20) / max(1, users.count)) : 0
        var masks: [[UInt64]] = []
        forEachMetricsEvent(in: query.window, matching: &matcher, chunks: chunks) { event in
            let current: Int
            if dimension == nil {
                current = lastSlot
            } else if isProperty, Int(event.set) < slotOfSet.count {
                let known = slotOfSet[Int(event.set)]
                if known >= 0 { current = Int(known) } else {
                    current = slot(of: dimension!.value(type: event.type, page: event.page, user: event.user, set: event.set, in: self))
                    slotOfSet[Int(event.set)] = Int32(current)
                }
            } else {
                let value = dimension!.value(type: event.type, page: event.page, user: event.user, set: event.set, in: self)
                if value != lastValue { lastValue = value; lastSlot = slot(of: value) }
                current = lastSlot
            }
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
        for (i, value) in slotValues.enumerated() { sets.byValue[value] = slots[i] }
        return sets
    }
}
