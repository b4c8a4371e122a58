/// What `GET /api/export` writes, chosen here and rendered by the route: the users active in the
/// range, the accounts with their usage and health, each event type's adoption, and the events
/// of each chunk in the range.
extension TenantState {
    /// Canonical users active in `range` (among `among` when given), ascending.
    public func exportUsers(_ range: DayRange, among: Bitmap?) -> [UInt32] {
        var active = activeUsers(in: range)
        if let among { active = active.intersection(among) }
        return active.members
    }

    public struct FeatureAdoptionRow: Sendable, Equatable {
        public var adoption: Adoption
        /// Accounts with an event of the type in the range.
        public var accounts: Int
    }

    /// Every event type used in `range`, most adopted first, with the accounts that used it.
    public func featureAdoption(_ range: DayRange) -> [FeatureAdoptionRow] {
        var masks = [UInt64](repeating: 0, count: accounts.count)
        var overflow: Set<UInt64> = []
        for d in range.all {
            guard let index = days[d] else { continue }
            for a in 0..<min(masks.count, index.accountTypeMasks.count) { masks[a] |= index.accountTypeMasks[a] }
            overflow.formUnion(index.accountTypeOverflow)
        }
        return adoption(range).map { row in
            guard let type = eventTypeIndex(row.eventType) else { return FeatureAdoptionRow(adoption: row, accounts: 0) }
            let t = Int(type.rawValue)
            let count = t < DayIndex.accountTypeMaskWidth
                ? masks.reduce(0) { $0 + ($1 >> UInt64(t) & 1 == 1 ? 1 : 0) }
                : overflow.reduce(0) { $0 + (Int($1 & 0xFFFF_FFFF) == t ? 1 : 0) }
            return FeatureAdoptionRow(adoption: row, accounts: count)
        }
    }

    /// Chunk `n`'s rows timed in `range` whose canonical user is in `among` (every row's when nil).
    public func exportRows(ofChunk n: Int, _ range: DayRange, among: Bitmap?) -> (columns: EventColumns, rows: [Int]) {
        let columns = n < log.sealed.count ? log.sealed[n].columns : log.open
        let startMs = calendar.startMs(of: range.first), endMs = calendar.startMs(of: range.last + 1)
        guard columns.count > 0, columns.maxTimestamp >= startMs, columns.minTimestamp < endMs else { return (columns, []) }
        let rows = (0..<columns.count).filter { row in
            let ts = columns.timestamps[row]
            return ts >= startMs && ts < endMs && (among.map { $0.contains(users.canonical(columns.users[row])) } ?? true)
        }
        return (columns, rows)
    }
}
