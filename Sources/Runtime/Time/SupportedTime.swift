/// The span of time Beacon takes from clients. Instants and dates outside it are refused at the
/// edge (a 400 naming the field), so the kernels only ever see times whose day numbers, minute
/// numbers and offsets fit their integers; the kernels still saturate rather than trap.
public enum SupportedTime {
    /// 2000-01-01T00:00:00Z: no event is older, whatever the tenant's retention.
    public static let earliestMs: Int64 = 946_684_800_000
    /// 2100-01-01T00:00:00Z: the latest instant or date a query may name.
    public static let latestMs: Int64 = 4_102_444_800_000
    public static let earliestDay = DayNumber(earliestMs / TenantCalendar.dayMs)
    public static let latestDay = DayNumber(latestMs / TenantCalendar.dayMs)

    public static func contains(ms: Int64) -> Bool { (earliestMs...latestMs).contains(ms) }
    public static func contains(day: DayNumber) -> Bool { (earliestDay...latestDay).contains(day) }

    /// "between 2000-01-01 and 2100-01-01", for error messages.
    public static let spanText = "between 2000-01-01 and 2100-01-01"

    /// Instants far past any calendar Beacon answers for are clamped here before day arithmetic
    /// (about ±35,000 years), so day numbers fit `DayNumber` and offsets cannot overflow.
    static let clampMs: Int64 = 1 << 50
    @inline(__always) static func clamped(_ ms: Int64) -> Int64 { min(max(ms, -clampMs), clampMs) }
}
