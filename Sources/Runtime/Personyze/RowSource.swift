/// Where an object's rows come from: the ids worth reading for a query (all of them, or those
/// an index gives) in the object's own order, and one row with at least the columns asked for.
/// Reading a row's cheap columns alone lets a filter or sort run before the wide ones are built.
public protocol RowSource {
    /// Row ids in primary-key order, narrowed by whatever index the query pins.
    func candidates(for query: RowQuery) -> [Int]
    /// The row, with at least `columns` (nil: every column).
    func row(_ id: Int, columns: Set<String>?) -> Row?
}

extension RowQuery {
    /// Filters, sorts and pages the source's rows, reading only the columns the conditions and
    /// the sort need until the page is known, then builds the page's rows with the columns asked.
    public func run(_ source: some RowSource, budget: inout Int) throws(RowQueryTooLarge) -> [Row] {
        var needed = conditionColumns
        needed.formUnion(orderBy)
        var kept: [(id: Int, row: Row)] = []
        let stop = earlyStop
        for id in source.candidates(for: self) {
            budget -= 1
            if budget < 0 { throw RowQueryTooLarge() }
            guard let row = source.row(id, columns: needed), matches(row) else { continue }
            kept.append((id, row))
            if let stop, kept.count >= stop { break }
        }
        let ordered = order(kept)
        let start = min(offset, ordered.count)
        let end = limit.map { start + min($0, ordered.count - start) } ?? ordered.count
        let wanted = columns.map(Set.init)
        return ordered[start..<end].compactMap { id in source.row(id, columns: wanted).map(project) }
    }

    func order(_ kept: [(id: Int, row: Row)]) -> [Int] {
        guard !orderBy.isEmpty else { return kept.map(\.id) }
        var keys: [RowValue] = []
        keys.reserveCapacity(kept.count * orderBy.count)
        for k in kept { for column in orderBy { keys.append(k.row[column] ?? .null) } }
        return sortedPlaces(keys: keys, count: kept.count).map { kept[$0].id }
    }

    /// The places 0..<count in the query's order (stable), given each place's sort keys, one
    /// per `orderBy` column, row after row: read once per row, not once per comparison.
    func sortedPlaces(keys: [RowValue], count: Int) -> [Int] {
        let width = orderBy.count, descending = descending
        return Array(0..<count).sorted { l, r in
            for c in 0..<width {
                let a = keys[l * width + c], b = keys[r * width + c]
                if RowValue.ascending(a, b) { return !descending }
                if RowValue.ascending(b, a) { return descending }
            }
            return l < r
        }
    }

    /// The row cut to the chosen columns (a missing one is null), or whole without `columns`.
    public func project(_ row: Row) -> Row {
        guard let columns else { return row }
        var cut: Row = [:]
        for c in columns { cut[c] = row[c] ?? .null }
        return cut
    }
}

/// A query read more rows than its budget allows.
public struct RowQueryTooLarge: Error, Sendable {}

/// Rows held as they are, keyed by their position.
public struct ArrayRowSource: RowSource {
    public var rows: [Row]
    public init(_ rows: [Row]) { self.rows = rows }
    public func candidates(for query: RowQuery) -> [Int] { Array(rows.indices) }
    public func row(_ id: Int, columns: Set<String>?) -> Row? { rows[id] }
}
