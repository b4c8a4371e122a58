import Foundation

/// A day number: days since 1970-01-01 in the tenant's time zone.
public typealias DayNumber = Int32

/// Cuts time into days (and months) in one time zone. Offsets are cached per quarter hour,
/// since time-zone transitions fall on quarter hours and events arrive mostly in order.
public struct TenantCalendar: Sendable {
    public let timeZone: TimeZone
    private var cachedBucket: Int64 = .min
    private var cachedOffsetMs: Int64 = 0

    static let quarterHourMs: Int64 = 900_000
    public static let dayMs: Int64 = 86_400_000

    public init(timeZone: TimeZone) { self.timeZone = timeZone }

    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.init(timeZone: zone)
    }

    /// Offset from UTC at `timestampMs`, in milliseconds.
    public mutating func offsetMs(at timestampMs: Int64) -> Int64 {
        let timestampMs = SupportedTime.clamped(timestampMs)
        let bucket = timestampMs >= 0 ? timestampMs / Self.quarterHourMs : (timestampMs - Self.quarterHourMs + 1) / Self.quarterHourMs
        if bucket != cachedBucket {
            cachedBucket = bucket
            let date = Date(timeIntervalSince1970: Double(bucket * Self.quarterHourMs) / 1000)
            cachedOffsetMs = Int64(timeZone.secondsFromGMT(for: date)) * 1000
        }
        return cachedOffsetMs
    }

    public mutating func day(of timestampMs: Int64) -> DayNumber {
        let timestampMs = SupportedTime.clamped(timestampMs)
        return DayNumber(floorDiv(timestampMs + offsetMs(at: timestampMs), Self.dayMs))
    }

    /// The first instant (UTC ms) of `day` in this time zone. Where a DST change skips local
    /// midnight (America/Santiago, America/Havana, Asia/Beirut, ...) the day starts at the change.
    public func startMs(of day: DayNumber) -> Int64 {
        let localMidnight = Int64(day) * Self.dayMs
        // The offset at local midnight, taken twice so a day next to a change still resolves.
        let guess = localMidnight - exactOffsetMs(at: localMidnight)
        let fixed = localMidnight - exactOffsetMs(at: guess)
        if localMs(at: fixed) == localMidnight && localMs(at: fixed - 1000) < localMidnight { return fixed }
        return firstInstant(reachingLocal: localMidnight)
    }

    /// Local wall-clock milliseconds at `timestampMs`.
    private func localMs(at timestampMs: Int64) -> Int64 { timestampMs + exactOffsetMs(at: timestampMs) }

    private func exactOffsetMs(at timestampMs: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(SupportedTime.clamped(timestampMs)) / 1000))) * 1000
    }

    /// The earliest whole second whose local time is at or past `localTarget`: offsets change on
    /// whole seconds and stay within ±26 hours, so a binary search over that span finds it.
    private func firstInstant(reachingLocal localTarget: Int64) -> Int64 {
        let span: Int64 = 30 * 3_600
        var below = localTarget / 1000 - span   // local time there is before the target
        var atOrAbove = localTarget / 1000 + span
        while atOrAbove - below > 1 {
            let middle = below + (atOrAbove - below) / 2
            if localMs(at: middle * 1000) >= localTarget { atOrAbove = middle } else { below = middle }
        }
        return atOrAbove * 1000
    }

    /// The calendar date of a day number (proleptic Gregorian).
    public static func date(of day: DayNumber) -> (year: Int, month: Int, day: Int) {
        civil(fromDays: Int64(day))
    }

    public static func dayNumber(year: Int, month: Int, day: Int) -> DayNumber {
        DayNumber(daysFromCivil(year: year, month: month, day: day))
    }

    /// "YYYY-MM-DD".
    public static func isoDate(_ day: DayNumber) -> String {
        let (y, m, d) = date(of: day)
        return "\(pad4(y))-\(pad2(m))-\(pad2(d))"
    }

    /// A year with at least four digits ("0999"), as ISO-8601 writes it.
    static func pad4(_ year: Int) -> String {
        let digits = String(year.magnitude)
        return (year < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Parses "YYYY-MM-DD" into a day number.
    public static func parseISODate(_ text: String) -> DayNumber? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= daysInMonth(year: y, month: m) else { return nil }
        return dayNumber(year: y, month: m, day: d)
    }

    /// Month key `year * 12 + (month - 1)` of a day.
    public static func month(of day: DayNumber) -> Int {
        let (y, m, _) = date(of: day)
        return y * 12 + (m - 1)
    }

    public static func monthLabel(_ month: Int) -> String { "\(pad4(month / 12))-\(pad2(month % 12 + 1))" }

    public static func firstDay(ofMonth month: Int) -> DayNumber { dayNumber(year: month / 12, month: month % 12 + 1, day: 1) }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    // Howard Hinnant's civil-from-days / days-from-civil.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    package static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }
}

@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
