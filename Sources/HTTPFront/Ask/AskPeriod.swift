import Runtime

/// The period a question names, as days of the tenant's calendar.
enum AskPeriod: Equatable {
    case today, yesterday, thisWeek, lastWeek, thisMonth, lastMonth
    case lastDays(Int)

    /// The days it covers, with `today` the tenant's current day. Weeks start on Monday.
    func range(today: DayNumber) -> DayRange {
        switch self {
        case .today: return DayRange(first: today, last: today)
        case .yesterday: return DayRange(first: today - 1, last: today - 1)
        case .thisWeek: return DayRange(first: today - Self.weekday(today), last: today)
        case .lastWeek:
            let monday = today - Self.weekday(today) - 7
            return DayRange(first: monday, last: monday + 6)
        case .thisMonth: return DayRange(first: Self.monthStart(today), last: today)
        case .lastMonth:
            let start = Self.monthStart(Self.monthStart(today) - 1)
            return DayRange(first: start, last: Self.monthStart(today) - 1)
        case .lastDays(let n): return DayRange(days: n, endingOn: today)
        }
    }

    /// The days just before `range`, as many.
    static func previous(_ range: DayRange) -> DayRange { DayRange(days: range.count, endingOn: range.first - 1) }

    var label: String {
        switch self {
        case .today: "today"
        case .yesterday: "yesterday"
        case .thisWeek: "this week"
        case .lastWeek: "last week"
        case .thisMonth: "this month"
        case .lastMonth: "last month"
        case .lastDays(1): "the last day"
        case .lastDays(let n): "the last \(n) days"
        }
    }

    /// The period as a sentence puts it: "in the last 7 days", "last month", "yesterday".
    var phrase: String {
        switch self {
        case .lastDays: "in " + label
        default: label
        }
    }

    /// Monday 0 … Sunday 6 (day 0, 1970-01-01, was a Thursday).
    static func weekday(_ day: DayNumber) -> DayNumber { ((day + 3) % 7 + 7) % 7 }

    static func monthStart(_ day: DayNumber) -> DayNumber {
        let iso = TenantCalendar.isoDate(day)
        return TenantCalendar.parseISODate(String(iso.prefix(8)) + "01") ?? day
    }

    /// The period a normalized message names, if any: "today", "yesterday", "this/last week|month",
    /// "last/past N days|weeks", "last 24 hours".
    static func find(in words: [String]) -> AskPeriod? {
        let text = " " + words.joined(separator: " ") + " "
        if text.contains(" today ") { return .today }
        if text.contains(" yesterday ") { return .yesterday }
        if text.contains(" this week ") { return .thisWeek }
        if text.contains(" last week ") || text.contains(" previous week ") { return .lastWeek }
        if text.contains(" this month ") { return .thisMonth }
        if text.contains(" last month ") || text.contains(" previous month ") { return .lastMonth }
        for (i, word) in words.enumerated() where ["last", "past", "previous"].contains(word) && i + 2 < words.count + 1 {
            guard i + 1 < words.count else { continue }
            let next = words[i + 1]
            let (count, unitAt) = Int(next).map { ($0, i + 2) } ?? (1, i + 1)
            guard unitAt < words.count, (1...3650).contains(count) else { continue }
            switch words[unitAt] {
            case "day", "days": return .lastDays(count)
            case "week", "weeks": return count == 1 ? nil : .lastDays(min(3650, count * 7))
            case "month", "months": return count == 1 ? nil : .lastDays(min(3650, count * 30))
            case "hours" where count == 24: return .lastDays(1)
            default: continue
            }
        }
        return nil
    }
}
