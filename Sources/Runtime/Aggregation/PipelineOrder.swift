/// The order `sort` and `sortUnique` use: null, then bools, numbers, strings, lists, objects;
/// within a kind, the natural order.
public enum PipelineOrder {
    static func rank(_ value: PipelineValue) -> Int {
        switch value {
        case .null: 0
        case .bool: 1
        case .number: 2
        case .string: 3
        case .list: 4
        case .object: 5
        }
    }

    public static func ascending(_ a: PipelineValue, _ b: PipelineValue) -> Bool { compare(a, b) < 0 }

    public static func compare(_ a: PipelineValue, _ b: PipelineValue) -> Int {
        switch (a, b) {
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        case (.number(let x), .number(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x), .string(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.list(let x), .list(let y)):
            for (p, q) in zip(x, y) { let c = compare(p, q); if c != 0 { return c } }
            return x.count < y.count ? -1 : (x.count > y.count ? 1 : 0)
        default:
            let (r, s) = (rank(a), rank(b))
            return r < s ? -1 : (r > s ? 1 : 0)
        }
    }
}

extension PipelineOrder {
    /// The positions `0..<count` in sort order by the columns `value(position, column)` gives
    /// (stable: equal keys keep their order), or the first `limit` of them: those are kept in a
    /// sorted array of at most `limit`, so a top 10 of a million rows costs about a million
    /// comparisons with the tenth, not a full sort.
    public static func first(_ limit: Int?, count: Int, descending: [Bool], value: (Int, Int) -> PipelineValue) -> [Int] {
        func before(_ a: Int, _ b: Int) -> Bool {
            for i in descending.indices {
                let c = compare(value(a, i), value(b, i))
                if c != 0 { return descending[i] ? c > 0 : c < 0 }
            }
            return a < b
        }
        guard let limit, limit < count / 4, limit <= 10_000 else {
            return Array((0..<count).sorted(by: before).prefix(limit ?? count))
        }
        var kept: [Int] = []
        kept.reserveCapacity(limit + 1)
        for i in 0..<count {
            if kept.count == limit, !before(i, kept[limit - 1]) { continue }
            var lo = 0, hi = kept.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if before(kept[mid], i) { lo = mid + 1 } else { hi = mid }
            }
            kept.insert(i, at: lo)
            if kept.count > limit { kept.removeLast() }
        }
        return kept
    }
}
