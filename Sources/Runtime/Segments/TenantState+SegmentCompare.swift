/// Two groups of users side by side: overlap, and the event types whose use differs most.
extension TenantState {
    public struct UsageDifference: Sendable, Equatable {
        public var eventType: String
        /// Share of each group that sent the event type in the range.
        public var shareA: Double
        public var shareB: Double
        public var difference: Double { shareA - shareB }
    }

    /// Event types by how differently the two groups use them in `range`, largest gap first.
    public func usageDifferences(_ a: Bitmap, _ b: Bitmap, range: DayRange, limit: Int = 10) -> [UsageDifference] {
        let sizeA = a.count, sizeB = b.count
        guard sizeA > 0 || sizeB > 0 else { return [] }
        return (0..<UInt32(eventTypeNames.count)).map { t in
            let doers = usersWhoDid(EventTypeIndex(t), in: range.all)
            return UsageDifference(eventType: eventTypeNames.string(t),
                                   shareA: sizeA == 0 ? 0 : Double(doers.intersectionCount(a)) / Double(sizeA),
                                   shareB: sizeB == 0 ? 0 : Double(doers.intersectionCount(b)) / Double(sizeB))
        }
        .sorted { (abs($0.difference), $1.eventType) > (abs($1.difference), $0.eventType) }
        .prefix(limit).map { $0 }
    }
}
