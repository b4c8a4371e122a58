import Foundation
import Hummingbird
import Runtime

/// A POST or PUT body of the Personyze API: a JSON object, or for legacy clients
/// `application/x-www-form-urlencoded` pairs (every value then text). Cells are strings,
/// numbers, booleans (1/0) or null (which removes the column).
enum PersonyzeBody {
    static func fields(_ request: Request, limit: Int) async throws -> [String: JSONValue] {
        let buffer = try await request.body.collect(upTo: limit)
        let bytes = Data(buffer.readableBytesView)
        // curl -d sends JSON labelled as a form: a body that opens with `{` is JSON whatever its label.
        let opensObject = bytes.first(where: { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }) == UInt8(ascii: "{")
        if !opensObject, request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            guard let text = String(data: bytes, encoding: .utf8) else { throw APIError.badRequest(field: "body", "is not UTF-8") }
            var fields: [String: JSONValue] = [:]
            for pair in text.split(separator: "&") where !pair.isEmpty {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let decode = { (s: Substring) in s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
                guard let key = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                    throw APIError.badRequest(field: "body", "has a broken percent escape")
                }
                fields[key] = .string(value)
            }
            return fields
        }
        let value = try json(bytes)
        guard let object = value.object else { throw APIError.badRequest(field: "body", "must be a JSON object") }
        guard object.count <= PersonyzeTables.maxColumns else { throw APIError.badRequest(field: "body", "sets more than \(PersonyzeTables.maxColumns) columns") }
        return object
    }

    /// A JSON document, any shape (`do` takes an array).
    static func json(_ bytes: Data) throws -> JSONValue {
        do { return try JSONDecoder().decode(JSONValue.self, from: bytes) } catch {
            throw APIError(.badRequest, code: "invalid_json", message: "body: is not valid JSON", field: "body")
        }
    }

    /// A number, or text that reads as one; nil for anything else.
    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let n): Double(n)
        case .number(let d): d
        case .string(let s): Double(s)
        default: nil
        }
    }

    /// A column name: letters, digits and `_`, as in paths.
    static func checkColumn(_ name: String) throws {
        guard PersonyzePath.isName(name) else {
            throw APIError.badRequest(field: String(name.prefix(60)), "is not a column name (letters, digits and _)")
        }
    }

    /// One cell; nil for null.
    static func cell(_ value: JSONValue, field: String) throws -> RowValue? {
        switch value {
        case .null: return nil
        case .bool(let flag): return .int(flag ? 1 : 0)
        case .integer(let n): return .int(Int64(n))
        case .number(let d):
            guard d.isFinite else { throw APIError.badRequest(field: field, "must be a finite number") }
            return d == d.rounded() && abs(d) < 9e15 ? .int(Int64(d)) : .double(d)
        case .string(let text):
            guard text.utf8.count <= PersonyzeTables.maxCellBytes else { throw APIError.badRequest(field: field, "is longer than \(PersonyzeTables.maxCellBytes) bytes") }
            return .text(text)
        case .array, .object: throw APIError.badRequest(field: field, "must be a string, number, boolean or null")
        }
    }

    /// A cell that must be text (ids, names); numbers are taken as their digits.
    static func text(_ value: JSONValue?, field: String, maxBytes: Int = 320) throws -> String? {
        guard let value, !value.isNull else { return nil }
        if case .bool = value { throw APIError.badRequest(field: field, "must be a string") }
        guard let text = value.scalarText else { throw APIError.badRequest(field: field, "must be a string") }
        guard (1...maxBytes).contains(text.utf8.count) else { throw APIError.badRequest(field: field, "must be 1 to \(maxBytes) bytes") }
        return text
    }

    /// A whole number in `range`.
    static func whole(_ value: JSONValue?, field: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value, !value.isNull else { return nil }
        let n = value.integer ?? value.string.flatMap { Int($0) }
        guard let n, range.contains(n) else { throw APIError.badRequest(field: field, "must be a whole number from \(range.lowerBound) to \(range.upperBound)") }
        return n
    }
}
