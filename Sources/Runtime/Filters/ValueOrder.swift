/// The order filters compare values in: numeric when both read as numbers, text otherwise.
enum ValueOrder {
    /// -1, 0 or 1 as `a` sorts before, with or after `b`.
    static func compare(_ a: String, _ b: String) -> Int {
        if let x = Double(a), let y = Double(b) { return x < y ? -1 : (x > y ? 1 : 0) }
        return a < b ? -1 : (a > b ? 1 : 0)
    }

    /// Whether `order` (a `compare` result) satisfies `>`, `>=`, `<` or `<=`.
    static func satisfies(_ order: Int, greater: Bool, orEqual: Bool) -> Bool {
        (order == 0 && orEqual) || (greater ? order > 0 : order < 0)
    }
}
