extension TenantState {
    public struct PropertyKeyUsage: Sendable, Equatable {
        public var key: String
        public var events: Int
        /// Distinct values, counted up to `propertyValueCountCap` (then it says that many).
        public var distinctValues: Int
        /// The most frequent values, at most five.
        public var topValues: [String]
    }

    public static let propertyValueCountCap = 10_000

    /// The property keys on the events of `type`, by how many events carry them; nil for an unknown type.
    public func propertyKeyUsage(ofType type: String) -> [PropertyKeyUsage]? {
        guard let t = eventTypeNames.lookup(type) else { return nil }
        var eventsPerSet: [UInt32: Int] = [:]
        for chunk in log.sealed {
            chunk.rowsByType.withRows(ofType: t) { rows in for row in rows { eventsPerSet[chunk.columns.propertySets[Int(row)], default: 0] += 1 } }
        }
        for row in 0..<log.open.count where log.open.types[row] == t { eventsPerSet[log.open.propertySets[row], default: 0] += 1 }
        var perKey: [UInt32: (events: Int, values: [UInt32: Int])] = [:]
        for (set, events) in eventsPerSet {
            for (key, value) in propertySets.pairs(PropertySetIndex(set)) {
                var entry = perKey[key] ?? (0, [:])
                entry.events += events
                if entry.values.count < Self.propertyValueCountCap || entry.values[value] != nil { entry.values[value, default: 0] += events }
                perKey[key] = entry
            }
        }
        return perKey.map { key, entry in
            let named = entry.values.map { (text: propertySets.values.string($0.key), events: $0.value) }
            let top = named.sorted { $0.events != $1.events ? $0.events > $1.events : $0.text < $1.text }.prefix(5)
            return PropertyKeyUsage(key: propertySets.keys.string(key), events: entry.events, distinctValues: entry.values.count, topValues: top.map(\.text))
        }.sorted { $0.events != $1.events ? $0.events > $1.events : $0.key < $1.key }
    }
}
