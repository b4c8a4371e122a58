import Foundation
import Runtime

/// One Personyze REST path (docs/personyze.md, "The path grammar"):
/// `<object>[/<id>][/where/<conds>][/columns/a,b][/column/c][/order_by/a,b | /order_by_desc/a,b][/limit/[offset,]n]`,
/// the modifiers in any order, each at most once. Conditions are `column<op>value` with `=`,
/// `!=`, `>`, `>=`, `<`, `<=`, `:` (in a comma list) and `!:` (not in it), joined by `&` (AND),
/// which binds tighter than `|` (OR). The path is split on its raw text and every name and value
/// is percent-decoded exactly once afterwards, so an encoded `/`, `&`, `|`, `=` or `,` is data.
struct PersonyzePath: Equatable, Sendable {
    typealias Operator = RowQuery.Operator
    typealias Condition = RowQuery.Condition

    var object: String
    var id: Int?
    /// OR of ANDs; empty without `where`.
    var conditions: [[Condition]] = []
    var columns: [String]?
    /// `column/<c>`: the answer is a flat list of that column's values.
    var column: String?
    var orderBy: [String] = []
    var descending = false
    var offset = 0
    var limit: Int?

    /// The query the modifiers describe (`column` reads as that one column).
    var query: RowQuery {
        RowQuery(conditions: conditions, columns: column.map { [$0] } ?? columns, orderBy: orderBy, descending: descending, offset: offset, limit: limit)
    }

    static let maxConditions = 64
    static let maxColumns = 200
    static let maxLimit = 100_000

    /// A 400 naming the segment at fault: its place in the path (1 is the object) and its text.
    struct Invalid: Error, Equatable, Sendable {
        var segment: String
        var message: String
    }

    /// `raw` is the path after `/personyze/rest/`, still percent-encoded.
    init(raw: String) throws(Invalid) {
        var segments = raw.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if segments.last == "" { segments.removeLast() }   // a trailing slash
        guard let first = segments.first, !first.isEmpty else { throw Invalid(segment: "object", message: "the path names no object: /personyze/rest/<object>") }
        object = try Self.name(first, segment: "object")
        var i = 1
        if i < segments.count, let digits = segments[i].first, digits.isNumber {
            guard let n = Int(segments[i]), n > 0 else { throw Invalid(segment: "id", message: "'\(segments[i].prefix(40))' is not a row id (a whole number above 0)") }
            id = n
            i += 1
        }
        var seen: Set<String> = []
        while i < segments.count {
            let modifier = segments[i]
            let label = "\(modifier.prefix(40)) (segment \(i + 1))"
            guard ["where", "columns", "column", "order_by", "order_by_desc", "limit"].contains(modifier) else {
                throw Invalid(segment: label, message: "is not a modifier: where, columns, column, order_by, order_by_desc or limit")
            }
            let family = modifier.hasPrefix("order_by") ? "order_by" : modifier
            guard seen.insert(family).inserted else { throw Invalid(segment: label, message: "comes twice: each modifier may appear once") }
            guard i + 1 < segments.count, !segments[i + 1].isEmpty else { throw Invalid(segment: label, message: "needs a value after it") }
            let value = segments[i + 1]
            let at = "\(modifier) (segment \(i + 2))"
            switch modifier {
            case "where": conditions = try Self.conditions(value, segment: at)
            case "columns": columns = try Self.names(value, segment: at)
            case "column": column = try Self.name(value, segment: at)
            case "order_by", "order_by_desc":
                orderBy = try Self.names(value, segment: at)
                descending = modifier == "order_by_desc"
            default:
                let parts = value.split(separator: ",", omittingEmptySubsequences: false)
                guard parts.count <= 2, let n = Int(parts.last!), n >= 0, n <= Self.maxLimit else {
                    throw Invalid(segment: at, message: "must be N or OFFSET,N with N from 0 to \(Self.maxLimit)")
                }
                if parts.count == 2 {
                    guard let o = Int(parts[0]), o >= 0 else { throw Invalid(segment: at, message: "the offset must be a whole number of 0 or more") }
                    offset = o
                }
                limit = n
            }
            i += 2
        }
        if columns != nil, column != nil { throw Invalid(segment: "column", message: "give columns or column, not both") }
    }

    /// Percent-decoding, once; a bad escape is the segment's fault.
    static func decoded(_ text: Substring, segment: String) throws(Invalid) -> String {
        guard text.contains("%") else { return String(text) }
        guard let plain = text.removingPercentEncoding else { throw Invalid(segment: segment, message: "has a broken percent escape in '\(text.prefix(40))'") }
        return plain
    }

    /// A column or object name: letters, digits and `_`.
    static func name(_ raw: some StringProtocol, segment: String) throws(Invalid) -> String {
        let text = try decoded(Substring(raw), segment: segment)
        guard isName(text) else {
            throw Invalid(segment: segment, message: "'\(text.prefix(40))' is not a name (letters, digits and _)")
        }
        return text
    }

    /// Letters, digits and `_`, 1 to 128 bytes: object and column names, in paths and bodies alike.
    static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 128
            && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }

    static func names(_ raw: String, segment: String) throws(Invalid) -> [String] {
        let parts = raw.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= maxColumns else { throw Invalid(segment: segment, message: "names more than \(maxColumns) columns") }
        var out: [String] = []
        for part in parts { out.append(try name(part, segment: segment)) }
        return out
    }

    static func conditions(_ raw: String, segment: String) throws(Invalid) -> [[Condition]] {
        var groups: [[Condition]] = []
        var count = 0
        for alternative in raw.split(separator: "|", omittingEmptySubsequences: false) {
            var group: [Condition] = []
            for text in alternative.split(separator: "&", omittingEmptySubsequences: false) {
                count += 1
                guard count <= maxConditions else { throw Invalid(segment: segment, message: "holds more than \(maxConditions) conditions") }
                group.append(try condition(text, segment: segment))
            }
            groups.append(group)
        }
        return groups
    }

    /// `column<op>value`: the name runs to the first operator character.
    static func condition(_ text: Substring, segment: String) throws(Invalid) -> Condition {
        guard let start = text.firstIndex(where: { "!=<>:".contains($0) }), start > text.startIndex else {
            throw Invalid(segment: segment, message: "'\(text.prefix(40))' is not a condition: column, an operator (=, !=, >, >=, <, <=, :, !:), a value")
        }
        let column = try name(text[..<start], segment: segment)
        let rest = text[start...]
        guard let op = Operator.allCases.filter({ rest.hasPrefix($0.rawValue) }).max(by: { $0.rawValue.count < $1.rawValue.count }) else {
            throw Invalid(segment: segment, message: "'\(text.prefix(40))' has no operator this API knows (=, !=, >, >=, <, <=, :, !:)")
        }
        let valueText = rest.dropFirst(op.rawValue.count)
        let values: [String]
        if op == .inList || op == .notInList {
            var list: [String] = []
            for part in valueText.split(separator: ",", omittingEmptySubsequences: false) { list.append(try decoded(part, segment: segment)) }
            values = list
        } else {
            values = [try decoded(valueText, segment: segment)]
        }
        return Condition(column: column, op: op, values: values)
    }
}
