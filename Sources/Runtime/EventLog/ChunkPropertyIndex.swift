/// What a sealed chunk holds per day (tenant time zone) and per property value: for each day its
/// rows fall on, the users and the events; for each property key with few values in the chunk,
/// the users and events per value and of the rows without the key. Built when the chunk seals and
/// united into the tenant's `PropertyDayIndex`. Users are as logged.
public struct ChunkPropertyIndex: Sendable {
    /// A key with more values than this in one chunk is not indexed there (a breakdown by it scans).
    public static let valueLimit = 256
    /// The value id standing for "the row has no such key".
    public static let none = UInt32.max

    /// The distinct days of the chunk's rows, ascending.
    public let days: [DayNumber]
    public let dayUsers: [Bitmap]
    public let dayEvents: [Int]
    /// Every key of the chunk's rows, indexed or crowded, ascending.
    public let keys: [UInt32]
    private let entries: [UInt32: KeyValues]
    private let crowdedKeys: Set<UInt32>

    /// One key's values in the chunk: per value (its id, or `none`) and day slot, users and events.
    public struct KeyValues: Sendable {
        public let values: [UInt32]
        public let users: [[Bitmap]]
        public let events: [[Int]]
    }

    public enum Lookup {
        /// The key's values in the chunk.
        case values(KeyValues)
        /// No row of the chunk has the key: every row counts under `none`.
        case absent
        /// Too many values to index: read the rows.
        case crowded
    }

    public func lookup(key: UInt32) -> Lookup {
        if let entry = entries[key] { return .values(entry) }
        return crowdedKeys.contains(key) ? .crowded : .absent
    }

    /// Built from the chunk's columns: rows sorted by (user, property set, day) once, so every
    /// list of users grows in ascending order and becomes a bitmap without sorting.
    package init(_ columns: EventColumns, calendar: TenantCalendar, sets: PropertySets) {
        var calendar = calendar
        // Day slots, in order of first sight, then renumbered ascending.
        var daySlotOf: [DayNumber: Int] = [:]
        var seenDays: [DayNumber] = []
        var rowDay = [UInt16](repeating: 0, count: columns.count)
        var lastDay = DayNumber.min, lastSlot = 0
        for (row, ts) in columns.timestamps.enumerated() {
            let day = calendar.day(of: ts)
            if day != lastDay {
                lastDay = day
                if let slot = daySlotOf[day] { lastSlot = slot } else {
                    lastSlot = seenDays.count
                    daySlotOf[day] = lastSlot
                    seenDays.append(day)
                }
            }
            rowDay[row] = UInt16(truncatingIfNeeded: lastSlot)
        }
        let days = seenDays.sorted()
        let renumber = seenDays.map { day in UInt16(days.firstIndex(of: day)!) }
        // Set slots, and each key's values in the chunk.
        var setSlotOf: [UInt32: Int] = [:]
        var setIDs: [UInt32] = []
        var rowSet = [UInt16](repeating: 0, count: columns.count)
        for (row, set) in columns.propertySets.enumerated() {
            let slot: Int
            if let known = setSlotOf[set] { slot = known } else {
                slot = setIDs.count
                setSlotOf[set] = slot
                setIDs.append(set)
            }
            rowSet[row] = UInt16(truncatingIfNeeded: slot)
        }
        let setPairs = setIDs.map { sets.pairs(PropertySetIndex($0)) }
        var valueSlotsOfKey: [UInt32: [UInt32: Int]] = [:]
        for pairs in setPairs {
            for (key, value) in pairs {
                if valueSlotsOfKey[key] == nil { valueSlotsOfKey[key] = [:] }
                let known = valueSlotsOfKey[key]!.count
                // One past the limit is enough to know the key is crowded.
                if known <= Self.valueLimit, valueSlotsOfKey[key]![value] == nil { valueSlotsOfKey[key]![value] = known }
            }
        }
        let crowded = Set(valueSlotsOfKey.filter { $0.value.count > Self.valueLimit }.keys)
        let indexedKeys = valueSlotsOfKey.keys.filter { !crowded.contains($0) }.sorted()
        // Each key's values, with `none` last when some set lacks the key.
        var valuesOfKey: [[UInt32]] = indexedKeys.map { key in
            valueSlotsOfKey[key]!.sorted { $0.value < $1.value }.map(\.key)
        }
        var noneSlotOfKey = [Int](repeating: -1, count: indexedKeys.count)
        // Per set and indexed key: the value slot it counts under.
        var slotsOfSet = [[Int]](repeating: [], count: setIDs.count)
        for (s, pairs) in setPairs.enumerated() {
            var slots = [Int](repeating: -1, count: indexedKeys.count)
            for (key, value) in pairs {
                if let k = Self.position(of: key, in: indexedKeys) { slots[k] = valueSlotsOfKey[key]![value]! }
            }
            for k in slots.indices where slots[k] < 0 {
                if noneSlotOfKey[k] < 0 {
                    noneSlotOfKey[k] = valuesOfKey[k].count
                    valuesOfKey[k].append(Self.none)
                }
                slots[k] = noneSlotOfKey[k]
            }
            slotsOfSet[s] = slots
        }
        // Lists of users, flat: key k, value v, day d at base[k] + v * dayCount + d.
        let dayCount = days.count
        var base = [Int](repeating: 0, count: indexedKeys.count + 1)
        for k in indexedKeys.indices { base[k + 1] = base[k] + valuesOfKey[k].count * dayCount }
        var lists = [[UInt32]](repeating: [], count: base[indexedKeys.count])
        var listEvents = [Int](repeating: 0, count: base[indexedKeys.count])
        var dayLists = [[UInt32]](repeating: [], count: dayCount)
        var dayEvents = [Int](repeating: 0, count: dayCount)
        // Sorted (user, set slot, day slot): equal neighbours are one user's rows of one set that day.
        var order = [UInt64](repeating: 0, count: columns.count)
        for row in 0..<columns.count {
            order[row] = UInt64(columns.users[row]) << 32 | UInt64(rowSet[row]) << 16 | UInt64(renumber[Int(rowDay[row])])
        }
        order.sort()
        var i = 0
        while i < order.count {
            let key = order[i]
            var j = i + 1
            while j < order.count, order[j] == key { j += 1 }
            let rows = j - i
            let user = UInt32(truncatingIfNeeded: key >> 32), set = Int((key >> 16) & 0xFFFF), day = Int(key & 0xFFFF)
            if dayLists[day].last != user { dayLists[day].append(user) }
            dayEvents[day] += rows
            for (k, v) in slotsOfSet[set].enumerated() {
                let at = base[k] + v * dayCount + day
                if lists[at].last != user { lists[at].append(user) }
                listEvents[at] += rows
            }
            i = j
        }
        self.days = days
        self.dayUsers = dayLists.map(Bitmap.init(ascending:))
        self.dayEvents = dayEvents
        var keys: [UInt32: KeyValues] = [:]
        for (k, key) in indexedKeys.enumerated() {
            let values = valuesOfKey[k]
            keys[key] = KeyValues(values: values,
                                  users: values.indices.map { v in (0..<dayCount).map { d in Bitmap(ascending: lists[base[k] + v * dayCount + d]) } },
                                  events: values.indices.map { v in (0..<dayCount).map { d in listEvents[base[k] + v * dayCount + d] } })
        }
        self.entries = keys
        self.keys = valueSlotsOfKey.keys.sorted()
        self.crowdedKeys = crowded
    }

    private static func position(of key: UInt32, in sorted: [UInt32]) -> Int? {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.count && sorted[lo] == key ? lo : nil
    }
}
