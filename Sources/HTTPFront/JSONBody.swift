import Foundation
import Hummingbird
import Actors
import Runtime

/// Small, rare JSON bodies (merges, errors): decoded with Foundation, checked field by field.
struct JSONBody {
    let fields: [String: Any]

    static func object(_ request: Request, limit: Int) async throws -> JSONBody {
        let buffer = try await request.body.collect(upTo: limit)
        let data = Data(buffer.readableBytesView)
        guard let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw APIError(.badRequest, code: "invalid_json", message: "body: is not valid JSON", field: "body")
        }
        guard let object = value as? [String: Any] else {
            throw APIError(.badRequest, code: "invalid_json", message: "body: must be a JSON object", field: "body")
        }
        return JSONBody(fields: object)
    }

    func optionalString(_ name: String) throws -> String? {
        guard let value = fields[name], !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw APIError.badRequest(field: name, "must be a string") }
        guard text.utf8.count <= IngestLimits.maxFieldBytes else {
            throw APIError.badRequest(field: name, "is longer than \(IngestLimits.maxFieldBytes) bytes")
        }
        return text.isEmpty ? nil : text
    }

    func requiredString(_ name: String) throws -> String {
        guard let text = try optionalString(name) else { throw APIError.badRequest(field: name, "is required") }
        return text
    }

    func optionalInt(_ name: String) throws -> Int? {
        guard let value = fields[name], !(value is NSNull) else { return nil }
        guard let number = JSONNumber.integer(value) else { throw APIError.badRequest(field: name, "must be an integer") }
        return number
    }

    /// ISO-8601 text or epoch milliseconds.
    func optionalTimestamp(_ name: String) throws -> Int64? {
        guard let value = fields[name], !(value is NSNull) else { return nil }
        if let text = value as? String {
            guard let ms = ISO8601Timestamp.parseMilliseconds(text) else { throw APIError.badRequest(field: name, "must be an ISO-8601 time") }
            return try TimeInput.checked(ms, field: name)
        }
        if let number = JSONNumber.integer(value) { return try TimeInput.checked(Int64(number), field: name) }
        throw APIError.badRequest(field: name, "must be an ISO-8601 time or epoch milliseconds")
    }

    /// `days` (default `defaultDays`) ending with `end` (a date, default today), as in the query string.
    func dayRange(defaultDays: Int, tenant: TenantActor) throws -> DayRange {
        let days = try optionalInt("days") ?? defaultDays
        guard (1...3650).contains(days) else { throw APIError.badRequest(field: "days", "must be between 1 and 3650, got \(days)") }
        guard let text = try optionalString("end") else { return DayRange(days: days, endingOn: QueryParameters.today(tenant)) }
        return DayRange(days: days, endingOn: try TimeInput.date(text, field: "end"))
    }
}
