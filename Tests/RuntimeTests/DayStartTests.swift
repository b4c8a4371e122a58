import Foundation
import Testing
@testable import Runtime

/// Day starts against Foundation's Calendar in every zone, on the days around each DST change
/// (where a change at midnight makes the day start at 01:00) and on one ordinary day a month.
@Suite struct DayStartTests {
    static let years = 2012...2027

    @Test func dayStartsMatchFoundationInEveryZone() {
        var mismatches: [String] = []
        for zone in TimeZone.knownTimeZoneIdentifiers {
            guard let timeZone = TimeZone(identifier: zone) else { continue }
            let calendar = TenantCalendar(timeZone: timeZone)
            var foundation = Calendar(identifier: .gregorian)
            foundation.timeZone = timeZone
            for (year, month, day) in Self.daysToCheck(in: timeZone, foundation: foundation) {
                let dayNumber = TenantCalendar.dayNumber(year: year, month: month, day: day)
                guard let noon = foundation.date(from: DateComponents(year: year, month: month, day: day, hour: 12)) else { continue }
                let expected = Int64((foundation.startOfDay(for: noon).timeIntervalSince1970 * 1000).rounded())
                let got = calendar.startMs(of: dayNumber)
                if got != expected { mismatches.append("\(zone) \(year)-\(month)-\(day): \(got) != \(expected)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
    }

    @Test(arguments: ["America/Santiago", "America/Havana", "Africa/Cairo", "Asia/Beirut"])
    func aDayWhoseMidnightIsSkippedStartsAtTheChange(zone: String) {
        let timeZone = TimeZone(identifier: zone)!
        var calendar = TenantCalendar(timeZone: timeZone)
        var foundation = Calendar(identifier: .gregorian)
        foundation.timeZone = timeZone
        var checked = 0
        for (year, month, day) in Self.daysToCheck(in: timeZone, foundation: foundation) {
            let dayNumber = TenantCalendar.dayNumber(year: year, month: month, day: day)
            let start = calendar.startMs(of: dayNumber)
            #expect(calendar.day(of: start) == dayNumber, "\(zone) \(year)-\(month)-\(day) starts inside its own day")
            #expect(calendar.day(of: start - 1) == dayNumber - 1, "\(zone) \(year)-\(month)-\(day): the instant before is the day before")
            checked += 1
        }
        #expect(checked > 20)
    }

    @Test func extremeInstantsNeverTrap() {
        var calendar = TenantCalendar(timeZone: TimeZone(identifier: "Pacific/Chatham")!)
        for ms in [Int64.max, Int64.min, Int64.max - 1, Int64.min + 1, -1_000_000_000_000_000, 1_000_000_000_000_000] {
            let day = calendar.day(of: ms)
            #expect(day != 0 || ms == 0)
            _ = calendar.offsetMs(at: ms)
            _ = calendar.startMs(of: day)
        }
        #expect(calendar.day(of: Int64.max) > calendar.day(of: 4_102_444_800_000))
        #expect(calendar.day(of: Int64.min) < calendar.day(of: 946_684_800_000))
    }

    /// The days before, of and after every DST change in `years`, plus the 15th of every month.
    static func daysToCheck(in timeZone: TimeZone, foundation: Calendar) -> [(Int, Int, Int)] {
        var days: [(Int, Int, Int)] = []
        for year in years { for month in 1...12 { days.append((year, month, 15)) } }
        var cursor = Date(timeIntervalSince1970: Double(TenantCalendar.dayNumber(year: years.lowerBound, month: 1, day: 1)) * 86_400)
        let end = Date(timeIntervalSince1970: Double(TenantCalendar.dayNumber(year: years.upperBound, month: 12, day: 31)) * 86_400)
        while let change = timeZone.nextDaylightSavingTimeTransition(after: cursor), change < end {
            for shift in [-1, 0, 1] {
                let around = change.addingTimeInterval(Double(shift) * 86_400)
                let c = foundation.dateComponents([.year, .month, .day], from: around)
                days.append((c.year!, c.month!, c.day!))
            }
            cursor = change
        }
        return days
    }
}
