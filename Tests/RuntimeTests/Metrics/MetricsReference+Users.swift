import Foundation
@testable import Runtime

/// Plain answers to the user-level metrics questions: lifecycle, built-in segments, stickiness
/// and sessions, from per-user sets of days and sorted times.
extension MetricsReference {
    func day(_ ms: Int64) -> DayNumber {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(ms) / 1000))
        return TenantCalendar.dayNumber(year: c.year!, month: c.month!, day: c.day!)
    }

    /// Every user's active days.
    var activeDays: [String: Set<DayNumber>] {
        var out: [String: Set<DayNumber>] = [:]
        for e in events { out[canonical(e.user), default: []].insert(day(e.timestampMs)) }
        return out
    }

    /// The calendar period before the one holding `d`, worked out with Foundation's dates.
    func previousPeriod(_ d: DayNumber, _ granularity: MetricsGranularity) -> ClosedRange<DayNumber> {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(d) * 86_400)
        switch granularity {
        case .weekly:
            let back = (calendar.component(.weekday, from: date) + 5) % 7   // days since Monday
            let monday = d - DayNumber(back)
            return (monday - 7)...(monday - 1)
        case .monthly:
            let c = calendar.dateComponents([.year, .month], from: date)
            let firstOfMonth = calendar.date(from: c)!
            let previous = calendar.date(byAdding: .month, value: -1, to: firstOfMonth)!
            return DayNumber(previous.timeIntervalSince1970 / 86_400)...DayNumber(firstOfMonth.timeIntervalSince1970 / 86_400 - 1)
        default:
            return (d - 1)...(d - 1)
        }
    }

    func lifecycle(_ buckets: [ClosedRange<DayNumber>], _ granularity: MetricsGranularity) -> [TenantState.LifecyclePoint] {
        let all = activeDays
        return buckets.map { period in
            let before = previousPeriod(period.lowerBound, granularity)
            var point = TenantState.LifecyclePoint()
            for (_, days) in all {
                let now = days.contains { period.contains($0) }, then = days.contains { before.contains($0) }
                if now {
                    if period.contains(days.min()!) { point.new += 1 } else if then { point.returning += 1 } else { point.resurrected += 1 }
                } else if then {
                    point.dormant += 1
                }
            }
            return point
        }
    }

    func builtInSegments(asOf t: DayNumber, rangeDays n: Int) -> [BuiltInSegment: Set<String>] {
        var out: [BuiltInSegment: Set<String>] = [:]
        for segment in BuiltInSegment.allCases { out[segment] = [] }
        for (user, days) in activeDays {
            let past = days.filter { $0 <= t }
            guard let first = days.min() else { continue }
            let ago = Set(past.map { Int(t - $0) })
            let lastWeek = ago.contains { $0 <= 6 }
            let isNew = lastWeek && (0...6).contains(Int(t - first))
            if isNew { out[.new]!.insert(user) }
            if lastWeek && !isNew { out[.active]!.insert(user) }
            if lastWeek && !isNew && !ago.contains(where: { (7...20).contains($0) }) && Int(t - first) > 20 { out[.resurrected]!.insert(user) }
            if !lastWeek && ago.contains(where: { (7...13).contains($0) }) { out[.atRisk]!.insert(user) }
            if !ago.contains(where: { $0 <= 13 }) && ago.contains(where: { (14...29).contains($0) }) { out[.dormant]!.insert(user) }
            if Int(t - first) > 29 && !ago.contains(where: { $0 <= 29 }) { out[.churned]!.insert(user) }
            let inRange = ago.filter { $0 < n }.count
            if inRange * 2 >= n { out[.power]!.insert(user) }
            if inRange > 0 && inRange * 4 < n { out[.casual]!.insert(user) }
        }
        return out
    }

    func activeDayHistogram(_ period: ClosedRange<DayNumber>) -> [Int] {
        var histogram = [Int](repeating: 0, count: period.count)
        for (_, days) in activeDays {
            let k = days.filter { period.contains($0) }.count
            if k > 0 { histogram[k - 1] += 1 }
        }
        return histogram
    }

    /// Sessions per bucket key: count, summed duration, bounces.
    func sessions(_ conditions: [MetricsCondition], from startMs: Int64, to endMs: Int64, _ granularity: MetricsGranularity) -> [String: (Int, Int64, Int)] {
        var times: [String: [Int64]] = [:]
        for e in passing(conditions, from: startMs - 30 * 60_000, to: endMs) { times[canonical(e.user), default: []].append(e.timestampMs) }
        var out: [String: (Int, Int64, Int)] = [:]
        for (_, list) in times {
            var runs: [[Int64]] = []
            for ts in list.sorted() {
                if let last = runs.last?.last, ts - last <= 30 * 60_000 { runs[runs.count - 1].append(ts) } else { runs.append([ts]) }
            }
            for run in runs where run[0] >= startMs {
                let key = bucketKey(run[0], granularity)
                let old = out[key] ?? (0, 0, 0)
                out[key] = (old.0 + 1, old.1 + run.last! - run[0], old.2 + (run.count == 1 ? 1 : 0))
            }
        }
        return out
    }
}
