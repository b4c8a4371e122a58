import Runtime

/// Timestamps as SQL tables show them: UTC text `YYYY-MM-DD HH:MM:SS.mmm`, the form SQLite's date
/// functions read and write, so `timestamp >= datetime('now', '-7 days')` compares as expected.
/// Fixed width over Beacon's years (2000–2100), so the text sorts as the instant does.
struct SQLTimestamp {
    static let dayMs: Int64 = 86_400_000
    /// The instants the text form covers: 2000-01-01 up to 2101-01-01.
    static let earliestMs: Int64 = 946_684_800_000
    static let latestMs: Int64 = 4_133_980_800_000

    private var cachedDay = Int64.min
    private var bytes = [UInt8](repeating: 0, count: 23)

    /// The text of `ms`, reusing the date part while days repeat (scans run nearly in time order).
    mutating func text(_ ms: Int64) -> [UInt8] {
        let day = ms >= 0 ? ms / Self.dayMs : (ms - Self.dayMs + 1) / Self.dayMs
        if day != cachedDay {
            cachedDay = day
            let (y, m, d) = TenantCalendar.civil(fromDays: day)
            put(Int64(y), width: 4, at: 0); bytes[4] = 0x2D
            put(Int64(m), width: 2, at: 5); bytes[7] = 0x2D
            put(Int64(d), width: 2, at: 8); bytes[10] = 0x20
        }
        let inDay = ms - day * Self.dayMs
        put(inDay / 3_600_000, width: 2, at: 11); bytes[13] = 0x3A
        put(inDay / 60_000 % 60, width: 2, at: 14); bytes[16] = 0x3A
        put(inDay / 1000 % 60, width: 2, at: 17); bytes[19] = 0x2E
        put(inDay % 1000, width: 3, at: 20)
        return bytes
    }

    static func string(_ ms: Int64) -> String {
        var formatter = SQLTimestamp()
        return String(decoding: formatter.text(ms), as: UTF8.self)
    }

    private mutating func put(_ value: Int64, width: Int, at offset: Int) {
        var v = value
        for i in stride(from: offset + width - 1, through: offset, by: -1) {
            bytes[i] = UInt8(48 + v % 10); v /= 10
        }
    }

    /// The first instant in Beacon's years whose text compares `>=` (or `>` when `strictly`) to
    /// `bound` byte by byte, as SQLite's BINARY collation does; `latestMs` when none does.
    /// The text grows with the instant, so a binary search finds it.
    static func firstInstant(atOrAfter bound: [UInt8], strictly: Bool) -> Int64 {
        var formatter = SQLTimestamp()
        var low = earliestMs, high = latestMs
        while low < high {
            let mid = low + (high - low) / 2
            let text = formatter.text(mid)
            let passes = strictly ? text.lexicographicallyPrecedes(bound) == false && text != bound
                                  : text.lexicographicallyPrecedes(bound) == false
            if passes { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
