import Foundation
import Testing
import TestSupport
@testable import Runtime

@Suite struct TenantCalendarTests {
    @Test(arguments: ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns"])
    func daysMatchFoundation(zone: String) {
        let timeZone = TimeZone(identifier: zone)!
        var calendar = TenantCalendar(timeZone: timeZone)
        var foundation = Calendar(identifier: .gregorian)
        foundation.timeZone = timeZone
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<5000 {
            let ms = Int64.random(in: 1_700_000_000_000...1_800_000_000_000, using: &rng)
            let c = foundation.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(ms) / 1000))
            #expect(calendar.day(of: ms) == TenantCalendar.dayNumber(year: c.year!, month: c.month!, day: c.day!))
        }
    }

    @Test func civilDatesRoundTrip() {
        for day in DayNumber(-1000)...DayNumber(40_000) {
            let (y, m, d) = TenantCalendar.date(of: day)
            #expect(TenantCalendar.dayNumber(year: y, month: m, day: d) == day)
        }
        #expect(TenantCalendar.parseISODate("2026-02-29") == nil)
        #expect(TenantCalendar.parseISODate("2024-02-29").map(TenantCalendar.isoDate) == "2024-02-29")
        #expect(TenantCalendar.isoDate(0) == "1970-01-01")
        #expect(TenantCalendar.isoDate(TenantCalendar.dayNumber(year: 282, month: 9, day: 6)) == "0282-09-06")
        #expect(TenantCalendar.monthLabel(91 * 12 + 10) == "0091-11")
    }
}
