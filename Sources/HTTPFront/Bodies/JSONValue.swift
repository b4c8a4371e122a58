/// A JSON value of free shape (segment rules, filters, profile properties), decoded with
/// booleans and numbers as distinct cases.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number written without a fraction that fits `Int`.
    case integer(Int)
    /// Any other number.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    var isNull: Bool { self == .null }

    var string: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// The value as an integer within ±9e18 (a whole `.number` too); nil for anything else.
    var integer: Int? {
        switch self {
        case .integer(let whole): WholeNumber.accepts(whole) ? whole : nil
        case .number(let value): value.rounded() == value && abs(value) < 9.0e18 ? Int(value) : nil
        default: nil
        }
    }

    var array: [JSONValue]? {
        guard case .array(let items) = self else { return nil }
        return items
    }

    var object: [String: JSONValue]? {
        guard case .object(let fields) = self else { return nil }
        return fields
    }

    /// A scalar as property text: strings as they are, booleans as true/false, numbers in their
    /// shortest form; nil for arrays, objects and null.
    var scalarText: String? {
        switch self {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .integer(let whole): String(whole)
        case .number(let value): integer.map(String.init) ?? "\(value)"
        case .null, .array, .object: nil
        }
    }
}
