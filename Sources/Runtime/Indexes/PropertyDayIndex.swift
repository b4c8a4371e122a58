/// Per day (tenant time zone) and property key, the users and events per value over the sealed
/// chunks: each chunk's `ChunkPropertyIndex` is united in when it seals, so a breakdown by a
/// property over whole days reads one bitmap per day and value. Derived from the log: rebuilt when
/// a snapshot is loaded, never stored. Users are as logged (readers apply merges).
///
/// The users of a day's events without the key are kept as they are or, when that is the smaller
/// set, as the day's other users: a key on few events (a format on exports) would otherwise hold
/// nearly every user of the day once more.
public struct PropertyDayIndex: Sendable {
    /// At most this many keys are indexed (in order of first sight); a breakdown by a later one scans.
    public static let keyLimit = 64
    /// A key with more values than this on one day is not answered for that day.
    public static let valueLimit = 256

    public struct KeyDay: Sendable {
        public fileprivate(set) var values: [UInt32: (users: Bitmap, events: Int)] = [:]
        public fileprivate(set) var noneEvents = 0
        fileprivate var noneStored = Bitmap()
        fileprivate var noneIsComplement = true
    }

    public struct Day: Sendable {
        /// Users and events of the day in sealed chunks.
        public fileprivate(set) var users = Bitmap()
        public fileprivate(set) var events = 0
        fileprivate var keys: [UInt32: KeyDay] = [:]
        fileprivate var crowded: Set<UInt32> = []

        /// The users of the day's events without `key`.
        public func noneUsers(_ entry: KeyDay) -> Bitmap {
            entry.noneIsComplement ? users.subtracting(entry.noneStored) : entry.noneStored
        }
    }

    public enum Lookup {
        case values(KeyDay)
        /// No sealed event of the day has the key.
        case absent
        /// Not answerable from here (too many keys, or too many values that day).
        case unindexed
    }

    private var days = DayArray(empty: Day())
    private var keys: [UInt32] = []
    private var overflowKeys: Set<UInt32> = []

    public init() {}

    public func lookup(key: UInt32, day: DayNumber) -> (day: Day, entry: Lookup)? {
        guard let d = days[day] else { return nil }
        if overflowKeys.contains(key) || d.crowded.contains(key) { return (d, .unindexed) }
        return (d, d.keys[key].map(Lookup.values) ?? .absent)
    }

    /// Unites one sealed chunk's index in.
    mutating func add(_ chunk: ChunkPropertyIndex) {
        for key in chunk.keys where !keys.contains(key) && !overflowKeys.contains(key) {
            if keys.count >= Self.keyLimit { overflowKeys.insert(key); continue }
            keys.append(key)
            // Every sealed event so far lacked it: the complement of the day's users is empty.
            for i in 0..<days.count where days[slot: i].events > 0 {
                days[slot: i].keys[key] = KeyDay(noneEvents: days[slot: i].events)
            }
        }
        for (d, day) in chunk.days.enumerated() {
            let slot = days.slot(for: day)
            var entry = days[slot: slot]
            days[slot: slot] = Day()   // so the bitmaps below are changed in place, not copied first
            let oldUsers = entry.users
            let newUsers = oldUsers.union(chunk.dayUsers[d])
            for key in keys where !entry.crowded.contains(key) {
                var keyDay = entry.keys.removeValue(forKey: key) ?? KeyDay(noneEvents: 0, noneStored: Bitmap(), noneIsComplement: false)
                var addedNone = Bitmap()
                switch chunk.lookup(key: key) {
                case .crowded:
                    entry.crowded.insert(key)
                    continue
                case .absent:
                    addedNone = chunk.dayUsers[d]
                    keyDay.noneEvents += chunk.dayEvents[d]
                case .values(let values):
                    for (v, value) in values.values.enumerated() where values.events[v][d] > 0 {
                        if value == ChunkPropertyIndex.none {
                            addedNone = values.users[v][d]
                            keyDay.noneEvents += values.events[v][d]
                        } else if keyDay.values[value] != nil {
                            keyDay.values[value]!.users.formUnion(values.users[v][d])
                            keyDay.values[value]!.events += values.events[v][d]
                        } else {
                            keyDay.values[value] = (values.users[v][d], values.events[v][d])
                        }
                    }
                    if keyDay.values.count > Self.valueLimit { entry.crowded.insert(key); continue }
                }
                if !addedNone.isEmpty || keyDay.noneIsComplement {
                    let none = (keyDay.noneIsComplement ? oldUsers.subtracting(keyDay.noneStored) : keyDay.noneStored).union(addedNone)
                    keyDay.noneIsComplement = none.count * 2 > newUsers.count
                    keyDay.noneStored = keyDay.noneIsComplement ? newUsers.subtracting(none) : none
                }
                entry.keys[key] = keyDay
            }
            entry.users = newUsers
            entry.events += chunk.dayEvents[d]
            days[slot: slot] = entry
        }
    }

    /// Drops days before `day` (their events are gone from the log).
    mutating func dropDays(before day: DayNumber) { days.dropDays(before: day) }

    var memoryBytes: Int {
        days.values.reduce(0) { total, day in
            day.keys.values.reduce(total + day.users.sizeBytes + 64) { sum, key in
                key.values.values.reduce(sum + key.noneStored.sizeBytes + 64) { $0 + $1.users.sizeBytes + 16 }
            }
        }
    }
}
