import Actors
import Runtime

/// Checks on decoded body fields that the types alone do not make; every error names the field.
enum BodyField {
    /// Text up to `IngestLimits.maxFieldBytes`; empty text reads as absent.
    static func text(_ value: String?, _ field: String) throws -> String? {
        guard let value, !value.isEmpty else { return nil }
        guard value.utf8.count <= IngestLimits.maxFieldBytes else {
            throw APIError.badRequest(field: field, "is longer than \(IngestLimits.maxFieldBytes) bytes")
        }
        return value
    }

    static func requiredText(_ value: String?, _ field: String) throws -> String {
        guard let text = try text(value, field) else { throw APIError.badRequest(field: field, "is required") }
        return text
    }

    /// ISO-8601 text or epoch milliseconds.
    static func timestamp(_ value: JSONValue?, _ field: String) throws -> Int64? {
        switch value {
        case nil, .null?:
            return nil
        case .string(let text)?:
            guard let ms = ISO8601Timestamp.parseMilliseconds(text) else { throw APIError.badRequest(field: field, "must be an ISO-8601 time") }
            return try TimeInput.checked(ms, field: field)
        case let other?:
            guard let ms = other.integer else { throw APIError.badRequest(field: field, "must be an ISO-8601 time or epoch milliseconds") }
            return try TimeInput.checked(Int64(ms), field: field)
        }
    }
}

extension BodyField {
    /// `days` (default `defaultDays`) ending with `end` (a date, default today), as in the query string.
    static func dayRange(days: Int?, end: String?, defaultDays: Int, tenant: TenantActor) throws -> DayRange {
        let days = days ?? defaultDays
        guard (1...3650).contains(days) else { throw APIError.badRequest(field: "days", "must be between 1 and 3650, got \(days)") }
        guard let text = try text(end, "end") else { return DayRange(days: days, endingOn: QueryParameters.today(tenant)) }
        return DayRange(days: days, endingOn: try TimeInput.date(text, field: "end"))
    }
}
