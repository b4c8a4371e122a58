import Testing
@testable import Runtime

/// The shared row query against a plain filter, sort and page written out by hand over
/// generated rows: every operator, OR of ANDs, nulls, multi-column sorts, offsets.
@Suite struct RowQueryTests {
    struct Rng { var s: UInt64; mutating func next(_ n: Int) -> Int { s = s &* 6364136223846793005 &+ 1442695040888963407; return Int((s >> 33) % UInt64(n)) } }

    static func rows(_ rng: inout Rng, count: Int) -> [Row] {
        (0..<count).map { i in
            var row: Row = ["id": .int(Int64(i + 1)), "a": .int(Int64(rng.next(20) - 5))]
            let letters = ["ant", "bee", "cat", "Dog", "eel"]
            if rng.next(5) > 0 { row["b"] = .text(letters[rng.next(letters.count)]) }
            return row
        }
    }

    /// One condition, judged plainly: a is a whole number, b text or missing.
    static func holds(_ row: Row, _ c: RowQuery.Condition) -> Bool {
        if c.column == "a" {
            guard case .int(let a)? = row["a"] else { return false }
            let values = c.values.map { Int64($0)! }
            switch c.op {
            case .equal: return a == values[0]
            case .notEqual: return a != values[0]
            case .greater: return a > values[0]
            case .greaterOrEqual: return a >= values[0]
            case .less: return a < values[0]
            case .lessOrEqual: return a <= values[0]
            case .inList: return values.contains(a)
            case .notInList: return !values.contains(a)
            }
        }
        let b: String? = if case .text(let t)? = row["b"] { t } else { nil }
        let v = c.values[0]
        switch c.op {
        case .equal: return b == v || (b == nil && v.isEmpty)
        case .notEqual: return !(b == v || (b == nil && v.isEmpty))
        case .greater: return b.map { Array($0.utf8).lexicographicallyPrecedes(Array(v.utf8)) == false && $0 != v } ?? false
        case .greaterOrEqual: return b.map { !Array($0.utf8).lexicographicallyPrecedes(Array(v.utf8)) } ?? false
        case .less: return b.map { Array($0.utf8).lexicographicallyPrecedes(Array(v.utf8)) } ?? false
        case .lessOrEqual: return b.map { Array($0.utf8).lexicographicallyPrecedes(Array(v.utf8)) || $0 == v } ?? false
        case .inList: return c.values.contains { b == $0 }
        case .notInList: return !c.values.contains { b == $0 }
        }
    }

    static func condition(_ rng: inout Rng) -> RowQuery.Condition {
        let op = RowQuery.Operator.allCases[rng.next(RowQuery.Operator.allCases.count)]
        if rng.next(2) == 0 {
            let values = (0..<(op == .inList || op == .notInList ? 1 + rng.next(3) : 1)).map { _ in String(rng.next(20) - 5) }
            return .init(column: "a", op: op, values: values)
        }
        let letters = ["ant", "bee", "cat", "Dog", "eel", "b"]
        let values = (0..<(op == .inList || op == .notInList ? 1 + rng.next(3) : 1)).map { _ in letters[rng.next(letters.count)] }
        return .init(column: "b", op: op, values: values)
    }

    @Test func selectMatchesAPlainFilterSortAndPage() {
        var rng = Rng(s: 42)
        for round in 0..<400 {
            let rows = Self.rows(&rng, count: 1 + rng.next(60))
            let conditions = (0..<rng.next(3)).map { _ in (0..<(1 + rng.next(3))).map { _ in Self.condition(&rng) } }
            let orderBy = [["a"], ["b"], ["b", "a"], []][rng.next(4)]
            let descending = rng.next(2) == 0
            let offset = rng.next(5), limit = rng.next(3) == 0 ? nil : rng.next(30)
            let query = RowQuery(conditions: conditions, columns: rng.next(2) == 0 ? ["id", "b"] : nil, orderBy: orderBy, descending: descending,
                                 offset: offset, limit: limit)
            // The reference: keep, sort by hand (nulls first, then numbers, then text bytes), page.
            var kept = rows.filter { row in conditions.isEmpty || conditions.contains { $0.allSatisfy { Self.holds(row, $0) } } }
            func key(_ row: Row, _ column: String) -> (Int, Int64, [UInt8]) {
                switch row[column] {
                case .int(let n)?: (1, n, [])
                case .text(let t)?: (2, 0, Array(t.utf8))
                default: (0, 0, [])
                }
            }
            func before(_ x: (Int, Int64, [UInt8]), _ y: (Int, Int64, [UInt8])) -> Bool {
                x.0 != y.0 ? x.0 < y.0 : x.1 != y.1 ? x.1 < y.1 : x.2.lexicographicallyPrecedes(y.2)
            }
            if !orderBy.isEmpty {
                kept = kept.enumerated().sorted { l, r in
                    for column in orderBy {
                        let a = key(l.element, column), b = key(r.element, column)
                        if before(a, b) { return !descending }
                        if before(b, a) { return descending }
                    }
                    return l.offset < r.offset
                }.map(\.element)
            }
            let page = Array(kept.dropFirst(offset).prefix(limit ?? Int.max))
            let expected = query.columns == nil ? page : page.map { ["id": $0["id"] ?? .null, "b": $0["b"] ?? .null] }
            #expect(query.select(rows) == expected, "round \(round): \(conditions) \(orderBy) \(descending)")
            // The same rows as a block: every column in every row, a missing b a null.
            var block = RowBlock(columns: ["id", "a", "b"])
            for row in rows { block.append([row["id"]!, row["a"]!, row["b"] ?? .null]) }
            let filled = expected.map { row in row.merging(query.columns == nil ? ["b": .null, "a": .null] : ["b": .null]) { kept, _ in kept } }
            let selected = query.select(block)
            #expect(selected.rows == filled, "block, round \(round): \(conditions) \(orderBy) \(descending)")
            #expect(selected.columns == query.columns ?? ["id", "a", "b"])
        }
    }

    @Test func pinnedValuesAndBoundsNarrowOnlyWhenEveryAlternativeDoes() {
        let a = RowQuery.Condition(column: "id", op: .equal, values: ["3"]), b = RowQuery.Condition(column: "id", op: .inList, values: ["4", "5"])
        let t1 = RowQuery.Condition(column: "t", op: .greaterOrEqual, values: ["10"]), t2 = RowQuery.Condition(column: "t", op: .less, values: ["20"])
        #expect(RowQuery(conditions: [[a], [b, t1]]).pinnedValues(of: "id") == ["3", "4", "5"])
        #expect(RowQuery(conditions: [[a], [t1]]).pinnedValues(of: "id") == nil)
        #expect(RowQuery(conditions: [[t1, t2]]).bounds(of: "t")! == (10, 20))
        #expect(RowQuery(conditions: [[t1], [t2]]).bounds(of: "t")! == (-.infinity, .infinity))
        #expect(RowQuery(conditions: [[t1], [a]]).bounds(of: "t") == nil)
        let empty = RowQuery(conditions: [[t1, .init(column: "t", op: .less, values: ["5"])]]).bounds(of: "t")!
        #expect(empty.lo > empty.hi)
    }
}
