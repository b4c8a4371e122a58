/// One cell of a Personyze-style row (docs/personyze.md): null, a whole number, a decimal or text.
/// Rows of every object are dictionaries of these, so one filter and one sort serve them all.
public enum RowValue: Sendable, Equatable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)

    /// The value as a number, when it is one or is text that reads as one.
    public var number: Double? {
        switch self {
        case .null: nil
        case .int(let n): Double(n)
        case .double(let d): d
        case .text(let t): Self.numeric(t)
        }
    }

    /// The value as the text a condition compares it with; null is the empty text.
    public var text: String {
        switch self {
        case .null: ""
        case .int(let n): String(n)
        case .double(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .text(let t): t
        }
    }

    public var isNull: Bool { self == .null }

    /// The value when it is a whole number.
    public var wholeNumber: Int64? { if case .int(let n) = self { n } else { nil } }

    /// Text that is a plain decimal number (no spaces, no hex, no `inf`), else nil.
    static func numeric(_ text: String) -> Double? {
        guard !text.isEmpty, text.utf8.count <= 40,
              text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 43 || $0 == 46 || $0 == 101 || $0 == 69 }),
              let d = Double(text), d.isFinite else { return nil }
        return d
    }

    /// Sort order: nulls first, then numbers by value, then text by its bytes.
    public static func ascending(_ a: RowValue, _ b: RowValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return false
        case (.null, _): return true
        case (_, .null): return false
        case (.int(let x), .int(let y)): return x < y
        default: break
        }
        switch (a.number, b.number) {
        case (let x?, let y?): return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a.text.utf8.lexicographicallyPrecedes(b.text.utf8)
        }
    }
}

/// A row: column name to value. Columns a row lacks read as null.
public typealias Row = [String: RowValue]
