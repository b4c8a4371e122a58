import Actors
import Runtime

/// The metrics API's common parameters (`range`, `granularity`, `breakdown`, `breakdown_limit`,
/// `compare`, `conditions[N][...]`) read into a `MetricsQuery`, every error naming its parameter.
/// docs/metrics-api.md says what each means.
struct MetricsParameters {
    enum Compare: String, CaseIterable { case previous, yoy }

    /// A range as asked: whole tenant days, or the last hours ending now.
    enum Span: Equatable {
        case days(DayRange)
        case hours(startMs: Int64, endMs: Int64)
    }

    let span: Span
    let granularity: MetricsGranularity
    let conditions: [MetricsCondition]
    let breakdown: EventField?
    let breakdownLimit: Int
    let compare: Compare?
    let calendar: TenantCalendar
    /// The range cut into buckets, once.
    let window: MetricsWindow

    /// - Parameter eventFields: false for questions over other records (logs), which read
    ///   `breakdown` and the conditions as their own fields; then both are left empty here.
    init(_ query: QueryParameters, tenant: TenantActor, defaultRange: String = "30d", defaultGranularity: MetricsGranularity = .daily,
         eventFields: Bool = true) throws {
        calendar = TenantCalendar(timeZone: tenant.settings.timeZone)
        span = try Self.span(query.string("range") ?? defaultRange, nowMs: tenant.now(), calendar: calendar)
        granularity = try query.string("granularity").map(Self.granularity) ?? defaultGranularity
        conditions = eventFields ? try MetricsConditionParsing.fromQuery(query) : []
        breakdown = eventFields ? try query.string("breakdown").map { try Self.field($0, name: "breakdown") } : nil
        breakdownLimit = try query.int("breakdown_limit", default: 10, range: 1...100)
        compare = try query.string("compare").map { text in
            guard let compare = Compare(rawValue: text) else { throw APIError.badRequest(field: "compare", "must be previous or yoy, got '\(text.prefix(64))'") }
            return compare
        }
        window = try Self.checkedWindow(span, granularity, calendar)
    }

    var query: MetricsQuery { MetricsQuery(window: window, conditions: conditions, breakdown: breakdown, breakdownLimit: breakdownLimit) }

    /// The range `compare` sets beside the asked one, cut the same way.
    var comparedWindow: MetricsWindow? {
        guard let compare else { return nil }
        switch (span, compare) {
        case (.days(let range), .previous):
            return Self.window(.days(DayRange(first: range.first - DayNumber(range.count), last: range.last - DayNumber(range.count))), granularity, calendar)
        case (.days(let range), .yoy):
            return Self.window(.days(DayRange(first: Self.yearEarlier(range.first), last: Self.yearEarlier(range.last))), granularity, calendar)
        case (.hours(let start, let end), .previous):
            return Self.window(.hours(startMs: start - (end - start), endMs: start), granularity, calendar)
        case (.hours(let start, let end), .yoy):
            let shift = 365 * TenantCalendar.dayMs
            return Self.window(.hours(startMs: start - shift, endMs: end - shift), granularity, calendar)
        }
    }

    /// The window, refused (400 naming `granularity`) when the granularity is too fine for its length.
    static func checkedWindow(_ span: Span, _ granularity: MetricsGranularity, _ calendar: TenantCalendar) throws -> MetricsWindow {
        let window = Self.window(span, granularity, calendar)
        guard window.endMs - window.startMs <= granularity.longestRangeMs else {
            throw APIError.badRequest(field: "granularity", "\(granularity.rawValue) is allowed for ranges up to \(granularity.longestRangeMs / TenantCalendar.dayMs) days")
        }
        return window
    }

    static func window(_ span: Span, _ granularity: MetricsGranularity, _ calendar: TenantCalendar) -> MetricsWindow {
        switch span {
        case .days(let range): MetricsWindow(days: range, granularity: granularity, calendar: calendar)
        case .hours(let start, let end): MetricsWindow(startMs: start, endMs: end, granularity: granularity, calendar: calendar)
        }
    }

    /// The same date a year earlier (29 February becomes the 28th).
    static func yearEarlier(_ day: DayNumber) -> DayNumber {
        let (y, m, d) = TenantCalendar.date(of: day)
        return TenantCalendar.dayNumber(year: y - 1, month: m, day: m == 2 && d == 29 ? 28 : d)
    }

    static func span(_ text: String, nowMs: Int64, calendar: TenantCalendar) throws -> Span {
        var calendar = calendar
        let today = calendar.day(of: nowMs)
        switch text {
        case "today": return .days(DayRange(first: today, last: today))
        case "yesterday": return .days(DayRange(first: today - 1, last: today - 1))
        default: break
        }
        if text.hasSuffix("d"), let n = Int(text.dropLast()) {
            guard (1...3650).contains(n) else { throw APIError.badRequest(field: "range", "must cover 1 to 3650 days, got '\(text)'") }
            return .days(DayRange(days: n, endingOn: today))
        }
        if text.hasSuffix("h"), let n = Int(text.dropLast()) {
            guard (1...48).contains(n) else { throw APIError.badRequest(field: "range", "must cover 1 to 48 hours, got '\(text)'") }
            // Ends with the current minute, so minute buckets are whole.
            let end = (nowMs / 60_000 + 1) * 60_000
            return .hours(startMs: end - Int64(n) * 3_600_000, endMs: end)
        }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let from = TenantCalendar.parseISODate(String(parts[0])), let to = TenantCalendar.parseISODate(String(parts[1])) else {
            throw APIError.badRequest(field: "range", "must be Nd, Nh, today, yesterday or YYYY-MM-DD,YYYY-MM-DD, got '\(text.prefix(64))'")
        }
        guard SupportedTime.contains(day: from), SupportedTime.contains(day: to) else {
            throw APIError.badRequest(field: "range", "dates must be \(SupportedTime.spanText), got '\(text.prefix(64))'")
        }
        guard from <= to, to - from < 3650 else { throw APIError.badRequest(field: "range", "must run forward and cover at most 3650 days") }
        return .days(DayRange(first: from, last: to))
    }

    static let granularityAliases: [String: MetricsGranularity] = [
        "minute": .minute, "min": .minute, "1m": .minute,
        "hourly": .hourly, "hour": .hourly, "1h": .hourly,
        "daily": .daily, "day": .daily, "1d": .daily,
        "weekly": .weekly, "week": .weekly, "1w": .weekly,
        "monthly": .monthly, "month": .monthly,
    ]

    static func granularity(_ text: String) throws -> MetricsGranularity {
        guard let value = granularityAliases[text] else {
            throw APIError.badRequest(field: "granularity", "must be minute, hourly, daily, weekly or monthly, got '\(text.prefix(64))'")
        }
        return value
    }

    static func field(_ text: String, name: String) throws -> EventField {
        guard text.utf8.count <= 256, let field = EventField(text) else {
            throw APIError.badRequest(field: name, "must be event_name, page, user_id, properties.KEY or a property name, got '\(text.prefix(64))'")
        }
        return field
    }
}

extension MetricsParameters {
    /// Whole days, for questions the day indexes answer.
    func requireDays() throws -> DayRange {
        guard case .days(let range) = span else { throw APIError.badRequest(field: "range", "must be whole days here (Nd, today, yesterday or YYYY-MM-DD,YYYY-MM-DD)") }
        return range
    }

    /// For questions without breakdowns or conditions: naming one is an error, not a silent no-op.
    func refuseBreakdownAndConditions(_ endpoint: String, conditionsToo: Bool = true) throws {
        if breakdown != nil { throw APIError.badRequest(field: "breakdown", "is not taken by \(endpoint)") }
        if conditionsToo, !conditions.isEmpty { throw APIError.badRequest(field: "conditions[0][field]", "conditions are not taken by \(endpoint)") }
    }

    /// Daily, weekly or monthly only.
    func requireWholeDayGranularity() throws {
        guard granularity != .minute, granularity != .hourly else {
            throw APIError.badRequest(field: "granularity", "must be daily, weekly or monthly here, got \(granularity.rawValue)")
        }
    }
}
