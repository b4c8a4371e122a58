/// The seed's periods, cut in the tenant's time zone: hours, days from midnight, weeks from
/// Sunday midnight, months from the first.
public enum PipelinePeriod: String, Sendable, CaseIterable {
    case hourRange, dayRange, weekRange, monthRange

    static let hourMs: Int64 = 3_600_000

    /// `startOfPeriod`'s names: the seed's table has `hourly`/`daily`/`weekly`/`monthly`, its NPS example `dayRange`.
    public init?(name: String) {
        switch name {
        case "hourRange", "hourly", "hour": self = .hourRange
        case "dayRange", "daily", "day": self = .dayRange
        case "weekRange", "weekly", "week": self = .weekRange
        case "monthRange", "monthly", "month": self = .monthRange
        default: return nil
        }
    }

    /// The row field that holds the period's start (`hour`, `day`, `week`, `month`).
    public var field: String {
        switch self {
        case .hourRange: "hour"
        case .dayRange: "day"
        case .weekRange: "week"
        case .monthRange: "month"
        }
    }

    /// The start of the period holding `ms`.
    public func start(of ms: Int64, _ calendar: inout TenantCalendar) -> Int64 {
        let day = calendar.day(of: ms)
        switch self {
        case .hourRange:
            let local = ms + calendar.offsetMs(at: ms)
            return ms - PipelinePeriod.floorMod(local, Self.hourMs)
        case .dayRange: return calendar.startMs(of: day)
        case .weekRange: return calendar.startMs(of: Self.sunday(onOrBefore: day))
        case .monthRange: return calendar.startMs(of: TenantCalendar.firstDay(ofMonth: TenantCalendar.month(of: day)))
        }
    }

    /// The start of the period `n` periods after the one starting at `start`.
    public func advance(_ start: Int64, by n: Int, _ calendar: inout TenantCalendar) -> Int64 {
        switch self {
        case .hourRange: return start &+ Int64(n) &* Self.hourMs
        case .dayRange: return calendar.startMs(of: calendar.day(of: start) &+ DayNumber(n))
        case .weekRange: return calendar.startMs(of: calendar.day(of: start) &+ DayNumber(n * 7))
        case .monthRange: return calendar.startMs(of: TenantCalendar.firstDay(ofMonth: TenantCalendar.month(of: calendar.day(of: start)) + n))
        }
    }

    /// 1970-01-01 was a Thursday, so day d is (d + 4) mod 7 days after a Sunday.
    static func sunday(onOrBefore day: DayNumber) -> DayNumber { day - DayNumber(floorMod(Int64(day) + 4, 7)) }

    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }
}
