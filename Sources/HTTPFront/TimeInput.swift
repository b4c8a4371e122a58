import Runtime

/// Instants and dates as clients send them, checked against the span Beacon answers for
/// (`SupportedTime`), so an instant near Int64's ends or a date in year 1 is a 400 naming the field.
enum TimeInput {
    /// Epoch milliseconds or ISO-8601 text.
    static func instant(_ text: String, field: String) throws -> Int64 {
        let parsed = Int64(text) ?? ISO8601Timestamp.parseMilliseconds(text)
        guard let ms = parsed else {
            throw APIError.badRequest(field: field, "must be an ISO-8601 time or epoch milliseconds, got '\(text.prefix(64))'")
        }
        return try checked(ms, field: field)
    }

    static func checked(_ ms: Int64, field: String) throws -> Int64 {
        guard SupportedTime.contains(ms: ms) else {
            throw APIError.badRequest(field: field, "must be \(SupportedTime.spanText), got \(ms)")
        }
        return ms
    }

    /// A date "YYYY-MM-DD".
    static func date(_ text: String, field: String) throws -> DayNumber {
        guard let day = TenantCalendar.parseISODate(text) else {
            throw APIError.badRequest(field: field, "must be a date YYYY-MM-DD, got '\(text.prefix(64))'")
        }
        guard SupportedTime.contains(day: day) else { throw APIError.badRequest(field: field, "must be \(SupportedTime.spanText), got '\(text)'") }
        return day
    }
}
