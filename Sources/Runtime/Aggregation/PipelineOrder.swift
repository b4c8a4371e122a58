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
