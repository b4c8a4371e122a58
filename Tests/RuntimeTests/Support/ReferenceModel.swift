import Foundation
@testable import Runtime

/// The naive reference: a plain list of events and merges, every question answered by looping
/// over it. Written for obviousness, not speed.
struct ReferenceModel {
    struct Event { var user: String; var type: String; var page: String?; var timestampMs: Int64 }
    var events: [Event] = []
    var mergedInto: [String: String] = [:]
    let timeZone: TimeZone

    func canonical(_ user: String) -> String {
        var u = user
        while let next = mergedInto[u] { u = next }
        return u
    }

    /// Day number of an instant, through Foundation's calendar (independent of TenantCalendar).
    func day(_ ms: Int64) -> DayNumber {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(ms) / 1000))
        return TenantCalendar.dayNumber(year: c.year!, month: c.month!, day: c.day!)
    }

    func usersActive(inDays days: ClosedRange<DayNumber>) -> Set<String> {
        Set(events.filter { days.contains(day($0.timestampMs)) }.map { canonical($0.user) })
    }

    func dau(_ range: DayRange) -> [Int] { range.all.map { usersActive(inDays: $0...$0).count } }

    func trailing(_ range: DayRange, window: Int) -> [Int] {
        range.all.map { usersActive(inDays: ($0 - DayNumber(window) + 1)...$0).count }
    }

    func eventsPerDay(_ range: DayRange) -> [Int] {
        range.all.map { d in events.filter { day($0.timestampMs) == d }.count }
    }

    func newUsersPerDay(_ range: DayRange) -> [Int] {
        var first: [String: Int64] = [:]
        for e in events { let u = canonical(e.user); first[u] = min(first[u] ?? .max, e.timestampMs) }
        return range.all.map { d in first.values.filter { day($0) == d }.count }
    }

    func eventTypes(_ range: DayRange) -> [String: (count: Int, users: Int)] {
        var counts: [String: Int] = [:], users: [String: Set<String>] = [:]
        for e in events where range.all.contains(day(e.timestampMs)) {
            counts[e.type, default: 0] += 1
            users[e.type, default: []].insert(canonical(e.user))
        }
        return counts.reduce(into: [:]) { $0[$1.key] = (count: $1.value, users: users[$1.key]!.count) }
    }

    func monthly() -> [Int: Int] {
        var users: [Int: Set<String>] = [:]
        for e in events { users[TenantCalendar.month(of: day(e.timestampMs)), default: []].insert(canonical(e.user)) }
        return users.mapValues(\.count)
    }

    /// Distinct users per minute for the 60 minutes ending with `nowMs`'s minute, and the last-5-minute count.
    /// Only the newest 60 minutes of data (ending with the newest event's minute) are kept live.
    func live(nowMs: Int64) -> (active: Int, sparkline: [Int]) {
        func minute(_ ms: Int64) -> Int64 { Int64((Double(ms) / 60_000).rounded(.down)) }
        let current = minute(nowMs)
        let newest = events.map { minute($0.timestampMs) }.max() ?? .min
        func users(_ minutes: ClosedRange<Int64>) -> Set<String> {
            Set(events.filter { minutes.contains(minute($0.timestampMs)) && minute($0.timestampMs) > newest - 60 }.map { canonical($0.user) })
        }
        return (users((current - 4)...current).count, ((current - 59)...current).map { users($0...$0).count })
    }
}
