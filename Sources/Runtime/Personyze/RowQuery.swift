/// A query over rows in the Personyze path's terms (docs/personyze.md): conditions as an OR of
/// ANDs, the columns to keep, the sort, an offset and a limit. The HTTP dialect parses paths
/// into it; every object's rows go through the same `select`.
public struct RowQuery: Sendable, Equatable {
    public enum Operator: String, Sendable, CaseIterable {
        case equal = "=", notEqual = "!=", greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<="
        case inList = ":", notInList = "!:"
    }

    public struct Condition: Sendable, Equatable {
        public var column: String
        public var op: Operator
        /// One value, or the list for `:` and `!:`.
        public var values: [String] { didSet { numbers = values.map(RowValue.numeric) } }
        /// The values read as numbers, once, not per row.
        private var numbers: [Double?]
        public init(column: String, op: Operator, values: [String]) {
            self.column = column; self.op = op; self.values = values; numbers = values.map(RowValue.numeric)
        }

        /// Numbers compare as numbers when both sides are numbers, else as text; `=` with an
        /// empty value matches null too, and a null cell fails every ordering.
        public func matches(_ row: Row) -> Bool { matches(cell: row[column] ?? .null) }

        /// Whether the column's cell `cell` passes.
        public func matches(cell: RowValue) -> Bool {
            switch op {
            case .equal: return Self.equal(cell, values[0], numbers[0])
            case .notEqual: return !Self.equal(cell, values[0], numbers[0])
            case .inList: return values.indices.contains { Self.equal(cell, values[$0], numbers[$0]) }
            case .notInList: return !values.indices.contains { Self.equal(cell, values[$0], numbers[$0]) }
            case .greater, .greaterOrEqual, .less, .lessOrEqual:
                guard !cell.isNull else { return false }
                let order: Int
                if let a = cell.number, let b = numbers[0] {
                    order = a < b ? -1 : a > b ? 1 : 0
                } else {
                    let a = cell.text, b = values[0]
                    order = a == b ? 0 : a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
                }
                switch op {
                case .greater: return order > 0
                case .greaterOrEqual: return order >= 0
                case .less: return order < 0
                default: return order <= 0
                }
            }
        }

        static func equal(_ cell: RowValue, _ value: String, _ number: Double?) -> Bool {
            if cell.isNull { return value.isEmpty }
            if let a = cell.number, let b = number { return a == b }
            return cell.text == value
        }
    }

    /// OR of ANDs; empty matches every row.
    public var conditions: [[Condition]]
    public var columns: [String]?
    public var orderBy: [String]
    public var descending: Bool
    public var offset: Int
    public var limit: Int?

    public init(conditions: [[Condition]] = [], columns: [String]? = nil, orderBy: [String] = [], descending: Bool = false,
                offset: Int = 0, limit: Int? = nil) {
        self.conditions = conditions; self.columns = columns; self.orderBy = orderBy; self.descending = descending
        self.offset = offset; self.limit = limit
    }

    public func matches(_ row: Row) -> Bool {
        conditions.isEmpty || conditions.contains { group in group.allSatisfy { $0.matches(row) } }
    }

    /// The columns the conditions read.
    public var conditionColumns: Set<String> { Set(conditions.joined().map(\.column)) }

    /// When every alternative pins `column` to values (`=` or `:`), those values: the keys an
    /// index can look up instead of reading every row. Nil when some alternative leaves it open.
    public func pinnedValues(of column: String) -> [String]? {
        guard !conditions.isEmpty else { return nil }
        var out: [String] = []
        for group in conditions {
            guard let pin = group.first(where: { $0.column == column && ($0.op == .equal || $0.op == .inList) }) else { return nil }
            out.append(contentsOf: pin.values)
        }
        return out
    }

    /// The numeric range every alternative keeps `column` within (from `=`, `>`, `>=`, `<`,
    /// `<=`): the span an index by that column need read. Nil when some alternative leaves it open
    /// on both sides; an open side is infinite, and `lo > hi` means no row can match.
    public func bounds(of column: String) -> (lo: Double, hi: Double)? {
        guard !conditions.isEmpty else { return nil }
        var lo = Double.infinity, hi = -Double.infinity
        for group in conditions {
            var gLo = -Double.infinity, gHi = Double.infinity, bounded = false
            for c in group where c.column == column {
                let values = c.values.compactMap(RowValue.numeric)
                switch c.op {
                case .equal: if let v = values.first { gLo = max(gLo, v); gHi = min(gHi, v); bounded = true }
                case .inList: if !values.isEmpty, values.count == c.values.count { gLo = max(gLo, values.min()!); gHi = min(gHi, values.max()!); bounded = true }
                case .greater, .greaterOrEqual: if let v = values.first { gLo = max(gLo, v); bounded = true }
                case .less, .lessOrEqual: if let v = values.first { gHi = min(gHi, v); bounded = true }
                case .notEqual, .notInList: break
                }
            }
            guard bounded else { return nil }
            lo = min(lo, gLo); hi = max(hi, gHi)
        }
        return (lo, hi)
    }

    /// `bounds(of:)` for a column of Unix seconds (or days' first seconds), as the span of
    /// milliseconds an event must fall in: from the first second's start to the end of the last
    /// (`spanMs` long). An open side is unbounded; `from > to` means nothing can match.
    public func millisecondBounds(of column: String, spanMs: Int64) -> (from: Int64, to: Int64)? {
        guard let range = bounds(of: column) else { return nil }
        guard range.lo <= range.hi else { return (1, 0) }
        // Clamped on both sides first: a client's `time>1e300` must not trap the conversion.
        func seconds(_ x: Double) -> Int64 { Int64(min(9e15, max(-9e15, x))) }
        let from = range.lo.isFinite ? seconds(range.lo) &* 1000 : .min
        let to = range.hi.isFinite ? seconds(range.hi) &* 1000 &+ (spanMs - 1) : .max
        return (from, to)
    }

    /// The rows that match, sorted (stably), paged and cut to the chosen columns.
    public func select(_ rows: [Row]) -> [Row] {
        var budget = Int.max
        return (try? run(ArrayRowSource(rows), budget: &budget)) ?? []
    }

    /// How many rows a `select` could keep at most without reading past them: offset plus
    /// limit when there is no sort, so a source may stop early; nil otherwise.
    public var earlyStop: Int? {
        guard orderBy.isEmpty, let limit else { return nil }
        let (sum, overflow) = offset.addingReportingOverflow(limit)
        return overflow ? nil : sum
    }
}
