import Foundation
import Actors
import Hummingbird
import Runtime

/// Reads and checks query parameters; every error names the parameter.
struct QueryParameters {
    let values: [String: String]

    init(_ request: Request) {
        var values: [String: String] = [:]
        // Hummingbird has percent-decoded the values once already (decoding again would turn
        // "%2525" into "%"), but not the keys: `conditions%5B0%5D%5Bfield%5D` is `conditions[0][field]`.
        for (key, value) in request.uri.queryParameters {
            let name = key.contains("%") ? (String(key).removingPercentEncoding ?? String(key)) : String(key)
            values[name] = String(value)
        }
        self.values = values
    }

    func string(_ name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    func requiredString(_ name: String) throws -> String {
        guard let value = string(name) else { throw APIError.badRequest(field: name, "is required") }
        return value
    }

    func int(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = string(name) else { return defaultValue }
        guard let value = Int(text) else { throw APIError.badRequest(field: name, "must be an integer, got '\(text.prefix(64))'") }
        guard range.contains(value) else {
            throw APIError.badRequest(field: name, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    /// `true`/`1` or `false`/`0`; anything else is a 400.
    func flag(_ name: String, default defaultValue: Bool) throws -> Bool {
        switch string(name) {
        case nil: return defaultValue
        case "true", "1": return true
        case "false", "0": return false
        case let text?: throw APIError.badRequest(field: name, "must be true or false, got '\(text.prefix(64))'")
        }
    }

    /// `days` days ending with `end` (a date in the tenant's time zone, default today).
    func dayRange(defaultDays: Int, tenant: TenantActor) throws -> DayRange {
        let days = try int("days", default: defaultDays, range: 1...3650)
        return DayRange(days: days, endingOn: try endDay(tenant: tenant))
    }

    func endDay(tenant: TenantActor) throws -> DayNumber {
        guard let text = string("end") else { return Self.today(tenant) }
        return try TimeInput.date(text, field: "end")
    }

    /// The global filters: `industry`, `company_size`, `owner_email` and `segment_id`.
    func accountFilter() throws -> AccountFilter {
        AccountFilter(industry: string("industry"), companySize: string("company_size"), owner: string("owner_email"), segment: try segmentID())
    }

    /// `segment_id`, a positive integer, when given.
    func segmentID() throws -> Int? {
        guard let text = string("segment_id") else { return nil }
        guard let id = Int(text), id > 0 else { throw APIError.badRequest(field: "segment_id", "must be a segment id, got '\(text)'") }
        return id
    }

    /// One of an enumeration's raw values.
    func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, default defaultValue: Choice) throws -> Choice where Choice.RawValue == String {
        try choice(name) ?? defaultValue
    }

    /// One of an enumeration's raw values, when given.
    func choice<Choice: RawRepresentable & CaseIterable>(_ name: String) throws -> Choice? where Choice.RawValue == String {
        guard let text = string(name) else { return nil }
        guard let value = Choice(rawValue: text) else {
            throw APIError.badRequest(field: name, "must be one of \(Choice.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
        }
        return value
    }

    /// `days` (1–3650, `defaultDays` when absent) back from now: the days and the instant they start.
    func since(defaultDays: Int, tenant: TenantActor) throws -> (days: Int, ms: Int64) {
        let days = try int("days", default: defaultDays, range: 1...3650)
        return (days, tenant.now() - Int64(days) * TenantCalendar.dayMs)
    }

    /// A path parameter that names a saved object by its id (a positive integer); `kind` names
    /// it in the error.
    static func positiveID(_ name: String, _ context: BeaconRequestContext, kind: String) throws -> Int {
        let text = pathParameter(name, context)
        guard let id = Int(text), id > 0 else { throw APIError.badRequest(field: name, "must be a \(kind) id (a positive integer), got '\(text)'") }
        return id
    }

    /// Whether the request carries one of the server's admin keys (`x-admin-key`).
    static func hasAdminKey(_ request: Request, in adminKeys: Set<String>) -> Bool {
        request.headers[.init("x-admin-key")!].map(adminKeys.contains) ?? false
    }

    /// A 403 naming `x-admin-key` unless the request carries an admin key; `action` says what needs it.
    static func requireAdminKey(_ request: Request, in adminKeys: Set<String>, for action: String) throws {
        guard hasAdminKey(request, in: adminKeys) else {
            throw APIError(.forbidden, code: "forbidden", message: "x-admin-key: \(action) needs an admin key", field: "x-admin-key")
        }
    }

    /// A path parameter, percent-decoded.
    static func pathParameter(_ name: String, _ context: BeaconRequestContext) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    static func today(_ tenant: TenantActor) -> DayNumber {
        var calendar = TenantCalendar(timeZone: tenant.settings.timeZone)
        return calendar.day(of: tenant.now())
    }

    /// An instant given as ISO-8601 or epoch milliseconds.
    func instant(_ name: String) throws -> Int64? {
        guard let text = string(name) else { return nil }
        return try TimeInput.instant(text, field: name)
    }
}
