/// Rows that share their columns, kept as one flat array of cells: the names once, then row
/// after row. The wide reports (a day's sessions, every product's counters) make tens of
/// thousands of rows, and a dictionary per row cost more in hashing than the counting behind it.
public struct RowBlock: Sendable, Equatable {
    public private(set) var columns: [String]
    public private(set) var cells: [RowValue] = []
    public private(set) var count = 0

    public init(columns: [String], reservingRows rows: Int = 0) {
        self.columns = columns
        cells.reserveCapacity(rows * columns.count)
    }

    /// Adds a row: one cell per column, in the columns' order.
    public mutating func append(_ row: some Collection<RowValue>) {
        precondition(row.count == columns.count, "a row of \(row.count) cells for \(columns.count) columns")
        cells.append(contentsOf: row)
        count += 1
    }

    public func cell(_ row: Int, _ column: Int) -> RowValue { cells[row * columns.count + column] }

    public func index(of column: String) -> Int? { columns.firstIndex(of: column) }

    /// Every row as a dictionary.
    public var rows: [Row] { (0..<count).map(row) }

    /// Row `i` as a dictionary, for the answers that read one row (`/<id>`).
    public func row(_ i: Int) -> Row {
        var out: Row = [:]
        for (c, name) in columns.enumerated() { out[name] = cell(i, c) }
        return out
    }
}

extension RowQuery {
    /// `select` over a block: the same filter, stable sort, page and columns as over rows
    /// (a column the block lacks reads as null), with each column's place looked up once.
    public func select(_ block: RowBlock) -> RowBlock {
        let width = block.columns.count
        let groups = conditions.map { $0.map { (condition: $0, column: block.index(of: $0.column)) } }
        func cell(_ row: Int, _ column: Int?) -> RowValue { column.map { block.cells[row * width + $0] } ?? .null }
        var kept: [Int] = []
        let stop = earlyStop
        for row in 0..<block.count {
            guard groups.isEmpty || groups.contains(where: { $0.allSatisfy { $0.condition.matches(cell: cell(row, $0.column)) } }) else { continue }
            kept.append(row)
            if let stop, kept.count >= stop { break }
        }
        if !orderBy.isEmpty {
            let keyColumns = orderBy.map(block.index(of:))
            var keys: [RowValue] = []
            keys.reserveCapacity(kept.count * keyColumns.count)
            for row in kept { for column in keyColumns { keys.append(cell(row, column)) } }
            kept = sortedPlaces(keys: keys, count: kept.count).map { kept[$0] }
        }
        let start = min(offset, kept.count)
        let end = limit.map { start + min($0, kept.count - start) } ?? kept.count
        let chosen = columns ?? block.columns
        let sources = chosen.map(block.index(of:))
        var out = RowBlock(columns: chosen, reservingRows: end - start)
        var cells: [RowValue] = []
        cells.reserveCapacity(chosen.count)
        for row in kept[start..<end] {
            cells.removeAll(keepingCapacity: true)
            for source in sources { cells.append(cell(row, source)) }
            out.append(cells)
        }
        return out
    }
}
