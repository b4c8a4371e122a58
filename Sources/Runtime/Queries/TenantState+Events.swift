/// Event-level questions: correlation between two event types (from the day indexes), property
/// keys of an event type and trends split by a property (one pass over that type's events).
extension TenantState {
    public struct Correlation: Sendable, Equatable {
        public var activeUsers: Int
        public var usersA: Int
        public var usersB: Int
        public var usersBoth: Int
        /// P(B | did A) and P(B | did not A), among users active in the range.
        public var rateWithA: Double
        public var rateWithoutA: Double
        /// How much likelier doers of A are to do B than the other active users (0 when no one else did B… or no one did A).
        public var lift: Double
    }

    public func correlation(_ a: EventTypeIndex, _ b: EventTypeIndex, _ range: DayRange) -> Correlation {
        let active = Bitmap.union(of: range.all.compactMap { days[$0]?.active })
        let doersA = typeUsers(a, in: range), doersB = typeUsers(b, in: range)
        let both = doersA.intersectionCount(doersB)
        let others = active.count - doersA.count
        let rateWithA = doersA.isEmpty ? 0 : Double(both) / Double(doersA.count)
        let rateWithoutA = others <= 0 ? 0 : Double(doersB.count - both) / Double(others)
        return Correlation(activeUsers: active.count, usersA: doersA.count, usersB: doersB.count, usersBoth: both,
                           rateWithA: rateWithA, rateWithoutA: rateWithoutA, lift: rateWithoutA == 0 ? 0 : rateWithA / rateWithoutA)
    }

    /// Calls `body` with the day, user and property set of every event of `type` in `range`.
    /// The log is nearly in time order, so the day is found by comparing against the current
    /// day's bounds, falling back to the calendar only when an event leaves them.
    func forEachEvent(of type: EventTypeIndex, in range: DayRange, chunks: Range<Int>? = nil,
                      _ body: (_ day: DayNumber, _ user: UInt32, _ properties: PropertySetIndex) -> Void) {
        let startMs = calendar.startMs(of: range.first), endMs = calendar.startMs(of: range.last + 1)
        var calendar = self.calendar
        var day = range.first, dayStart = startMs, dayEnd = calendar.startMs(of: range.first + 1)
        log.forEachChunk(in: chunks ?? 0..<log.chunkCount) { chunk in
            guard chunk.maxTimestamp >= startMs, chunk.minTimestamp < endMs else { return }
            chunk.types.withUnsafeBufferPointer { types in
                chunk.timestamps.withUnsafeBufferPointer { timestamps in
                    for row in 0..<types.count where types[row] == type.rawValue {
                        let ts = timestamps[row]
                        guard ts >= startMs, ts < endMs else { continue }
                        if ts < dayStart || ts >= dayEnd {
                            day = calendar.day(of: ts)
                            dayStart = calendar.startMs(of: day)
                            dayEnd = calendar.startMs(of: day + 1)
                        }
                        body(day, chunk.users[row], PropertySetIndex(chunk.propertySets[row]))
                    }
                }
            }
        }
    }

    public struct PropertyKey: Sendable, Equatable {
        public var key: String
        /// Events of the type that carried the key.
        public var events: Int
        /// The most frequent values, with their event counts.
        public var topValues: [(value: String, events: Int)]
        public static func == (a: PropertyKey, b: PropertyKey) -> Bool {
            a.key == b.key && a.events == b.events && a.topValues.elementsEqual(b.topValues) { $0 == $1 }
        }
    }

    /// The property keys sent with `type` in `range`, most frequent first, with example values.
    public func propertyKeys(of type: EventTypeIndex, _ range: DayRange, examples: Int = 5) -> [PropertyKey] {
        var setCounts: [UInt32: Int] = [:]
        forEachEvent(of: type, in: range) { _, _, set in setCounts[set.rawValue, default: 0] += 1 }
        var valueCounts: [UInt32: [UInt32: Int]] = [:]
        for (set, n) in setCounts {
            for (key, value) in propertySets.pairs(PropertySetIndex(set)) { valueCounts[key, default: [:]][value, default: 0] += n }
        }
        return valueCounts.map { key, values in
            let top = values.sorted { ($0.value, propertySets.values.string($1.key)) > ($1.value, propertySets.values.string($0.key)) }.prefix(examples)
            return PropertyKey(key: propertySets.keys.string(key), events: values.values.reduce(0, +),
                               topValues: top.map { (propertySets.values.string($0.key), $0.value) })
        }.sorted { ($0.events, $1.key) > ($1.events, $0.key) }
    }

    public struct TrendSeries: Sendable, Equatable {
        /// The property value, "(none)" for events without the key, "(other)" for values past the top ones.
        public var value: String
        public var total: Int
        /// Events per day of the range.
        public var daily: [Int]
    }

    /// Events of `type` per day of `range`, split by the value of `groupBy` (top `limit` values
    /// by events, the rest as "(other)"); one series for all events when `groupBy` is nil.
    public func trend(of type: EventTypeIndex, _ range: DayRange, groupBy: String?, limit: Int = 10) -> [TrendSeries] {
        guard let groupBy else {
            let daily = range.all.map { days[$0]?.count(ofType: type) ?? 0 }
            return [TrendSeries(value: "(all)", total: daily.reduce(0, +), daily: daily)]
        }
        return trendSeries(trendCounts(of: type, range, groupBy: groupBy), limit: limit)
    }

    /// Per value of the grouping key (`TrendCounts.none` when absent), events per day of the range.
    public struct TrendCounts: Sendable {
        public static let none = UInt32.max
        public var width: Int
        public var daily: [UInt32: [Int]] = [:]

        public init(width: Int) { self.width = width }

        /// Adds another part of the same question (the scan split by chunks).
        public mutating func add(_ other: TrendCounts) {
            for (value, counts) in other.daily {
                if var mine = daily[value] {
                    for i in mine.indices { mine[i] += counts[i] }
                    daily[value] = mine
                } else {
                    daily[value] = counts
                }
            }
        }
    }

    /// The counting half of a grouped trend, over the chunks numbered `chunks` (all by default):
    /// independent parts can be counted apart and added.
    public func trendCounts(of type: EventTypeIndex, _ range: DayRange, groupBy: String, chunks: Range<Int>? = nil) -> TrendCounts {
        let key = propertySets.keys.lookup(groupBy)
        // Per event: property set → series slot through a flat array (worked out once per set),
        // then one increment in a flat slots × days table.
        let width = range.count
        var slotOfSet = [Int32](repeating: -1, count: propertySets.count)
        var slotOfValue: [UInt32: Int32] = [:]
        var valueOfSlot: [UInt32] = []
        var table: [Int] = []
        slotOfSet.withUnsafeMutableBufferPointer { slotOfSet in
        table.reserveCapacity(width * 16)
        forEachEvent(of: type, in: range, chunks: chunks) { day, _, set in
            var slot = slotOfSet[Int(set.rawValue)]
            if slot < 0 {
                let value = key.flatMap { propertySets.value(of: $0, in: set) } ?? TrendCounts.none
                if let known = slotOfValue[value] { slot = known } else {
                    slot = Int32(valueOfSlot.count)
                    slotOfValue[value] = slot
                    valueOfSlot.append(value)
                    table.append(contentsOf: repeatElement(0, count: width))
                }
                slotOfSet[Int(set.rawValue)] = slot
            }
            table[Int(slot) * width + Int(day - range.first)] += 1
        }
        }
        var counts = TrendCounts(width: width)
        for (slot, value) in valueOfSlot.enumerated() { counts.daily[value] = Array(table[(slot * width)..<((slot + 1) * width)]) }
        return counts
    }

    /// The top `limit` values as series, then "(other)" for the rest.
    public func trendSeries(_ counts: TrendCounts, limit: Int = 10) -> [TrendSeries] {
        func name(_ value: UInt32) -> String { value == TrendCounts.none ? "(none)" : propertySets.values.string(value) }
        let ranked = counts.daily.map { value, daily in (value: value, total: daily.reduce(0, +), daily: daily) }
            .sorted { ($0.total, name($1.value)) > ($1.total, name($0.value)) }
        var series = ranked.prefix(limit).map { TrendSeries(value: name($0.value), total: $0.total, daily: $0.daily) }
        let rest = ranked.dropFirst(limit)
        if !rest.isEmpty {
            var daily = [Int](repeating: 0, count: counts.width)
            for r in rest { for i in daily.indices { daily[i] += r.daily[i] } }
            series.append(TrendSeries(value: "(other)", total: daily.reduce(0, +), daily: daily))
        }
        return series
    }
}
