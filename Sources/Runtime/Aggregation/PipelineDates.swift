/// `date(...)` and `dateAdd(...)` in the tenant's time zone, checked to Beacon's supported span.
enum PipelineDates {
    static func checkedTime(_ ms: Double) throws(PipelineEvaluationError) -> Int64 {
        guard ms.isFinite, ms >= Double(SupportedTime.earliestMs - 366 * TenantCalendar.dayMs), ms <= Double(SupportedTime.latestMs) else {
            throw PipelineEvaluationError("a time must be \(SupportedTime.spanText) (milliseconds since the epoch)")
        }
        return Int64(ms)
    }

    /// `date("2006-01-02T15:04:05.999")` (any leading part) or `date(year, month, day, hour, min, sec, nanosec)`.
    static func date(_ values: [PipelineValue], _ calendar: inout TenantCalendar) throws(PipelineEvaluationError) -> PipelineValue {
        if values.contains(where: \.isNull) { return .null }
        var parts: [Int] = []
        if values.count == 1, let text = values[0].string {
            guard let parsed = parse(text) else {
                throw PipelineEvaluationError("date: '\(text)' is not one of 2006, 2006-01, 2006-01-02, 2006-01-02T15:04, 2006-01-02T15:04:05, 2006-01-02T15:04:05.999")
            }
            parts = parsed
        } else {
            for value in values {
                guard let n = value.integer else { throw PipelineEvaluationError("date: takes whole numbers (year, month, day, hour, minute, second, nanosecond) or one date string") }
                parts.append(n)
            }
            if parts.count == 7 { parts[6] /= 1_000_000 }   // nanoseconds to milliseconds
        }
        return PipelineValue(try local(parts, &calendar))
    }

    /// Year, month, day, hour, minute, second, millisecond from local wall time to epoch ms.
    static func local(_ given: [Int], _ calendar: inout TenantCalendar) throws(PipelineEvaluationError) -> Int64 {
        var p = given + [Int](repeating: 0, count: max(0, 7 - given.count))
        if given.count < 2 { p[1] = 1 }
        if given.count < 3 { p[2] = 1 }
        guard (1999...2100).contains(p[0]), (1...12).contains(p[1]), (1...TenantCalendar.daysInMonth(year: p[0], month: p[1])).contains(p[2]),
              (0...23).contains(p[3]), (0...59).contains(p[4]), (0...59).contains(p[5]), (0...999).contains(p[6]) else {
            throw PipelineEvaluationError("date: \(given.map(String.init).joined(separator: ", ")) is not a date \(SupportedTime.spanText)")
        }
        let day = TenantCalendar.dayNumber(year: p[0], month: p[1], day: p[2])
        // The day before 2000-01-01 is let through, for zones east of UTC; nothing after 2100-01-01 is.
        guard day >= SupportedTime.earliestDay - 1, day <= SupportedTime.latestDay else {
            throw PipelineEvaluationError("date: \(given.map(String.init).joined(separator: ", ")) is not a date \(SupportedTime.spanText)")
        }
        let start = calendar.startMs(of: day)
        return start + Int64(p[3]) * 3_600_000 + Int64(p[4]) * 60_000 + Int64(p[5]) * 1000 + Int64(p[6])
    }

    static func parse(_ text: String) -> [Int]? {
        let bytes = Array(text.utf8)
        // Separators as Go's reference layout writes them: 2006-01-02T15:04:05.999
        let layout: [(width: Int, separator: UInt8?)] = [(4, nil), (2, UInt8(ascii: "-")), (2, UInt8(ascii: "-")), (2, UInt8(ascii: "T")),
                                                         (2, UInt8(ascii: ":")), (2, UInt8(ascii: ":")), (3, UInt8(ascii: "."))]
        var parts: [Int] = []
        var i = 0
        for (n, (width, separator)) in layout.enumerated() {
            if i == bytes.count { break }
            if let separator {
                guard bytes[i] == separator else { return nil }
                i += 1
            }
            let end = n == 6 ? bytes.count : i + width
            guard end <= bytes.count, end > i, bytes[i..<end].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            var value = Int(String(decoding: bytes[i..<end], as: UTF8.self))!
            if n == 6 { value = Int((Double("0." + String(decoding: bytes[i..<min(end, i + 9)], as: UTF8.self)) ?? 0) * 1000) }
            parts.append(value)
            i = end
        }
        return i == bytes.count && !parts.isEmpty ? parts : nil
    }

    /// `ts` plus `n` hours, days, weeks or months; days and longer keep the local time of day.
    static func add(_ ms: Int64, _ n: Int, _ unit: String, _ calendar: inout TenantCalendar) throws(PipelineEvaluationError) -> Int64 {
        guard abs(n) <= 1_000_000 else { throw PipelineEvaluationError("dateAdd: \(n) is too many units") }
        let result: Int64
        switch unit {
        case "hours", "hour": result = ms + Int64(n) * 3_600_000
        case "days", "day", "weeks", "week":
            let days = unit.hasPrefix("week") ? n * 7 : n
            let day = calendar.day(of: ms)
            let into = ms - calendar.startMs(of: day)
            guard abs(Int(day) + days) < 100_000 else { throw PipelineEvaluationError("dateAdd: the result is not \(SupportedTime.spanText)") }
            result = calendar.startMs(of: day + DayNumber(days)) + into
        case "months", "month":
            let day = calendar.day(of: ms)
            let into = ms - calendar.startMs(of: day)
            let (y, m, d) = TenantCalendar.date(of: day)
            let month = y * 12 + (m - 1) + n
            guard (1999 * 12...2100 * 12).contains(month) else { throw PipelineEvaluationError("dateAdd: the result is not \(SupportedTime.spanText)") }
            let target = min(d, TenantCalendar.daysInMonth(year: month / 12, month: month % 12 + 1))
            result = calendar.startMs(of: TenantCalendar.dayNumber(year: month / 12, month: month % 12 + 1, day: target)) + into
        default: throw PipelineEvaluationError("dateAdd: '\(unit)' is not a unit (hours, days, weeks, months)")
        }
        return try checkedTime(Double(result))
    }
}
