import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Retention against a plain count over the events.
@Suite struct RetentionTests {
    @Test(arguments: Array(0..<8))
    func matchesACountOverTheEvents(seed: Int) {
        let s = TenantStateDifferentialTests.scenario(seed: UInt64(200 + seed), zone: TenantStateDifferentialTests.zones[seed % 5])
        let r = s.reference
        for period in [TenantState.RetentionPeriod.day, .week, .month] {
            for (entryName, returnName) in [(nil, nil), ("login", "export"), ("signup", nil), (nil, "page_view")] as [(String?, String?)] {
                let entry = entryName.flatMap { s.engine.eventTypeIndex($0) }
                let returning = returnName.flatMap { s.engine.eventTypeIndex($0) }
                if (entryName != nil && entry == nil) || (returnName != nil && returning == nil) { continue }
                let engine = s.engine.retention(entry: entry, returning: returning, period: period, cohortRange: s.range, periods: 3)
                // Reference: first entry event per user, its period, and returns per later period.
                var first: [String: Int64] = [:]
                for e in r.events where entryName == nil || e.type == entryName {
                    let u = r.canonical(e.user); first[u] = min(first[u] ?? .max, e.timestampMs)
                }
                var expected: [DayNumber: (users: Set<String>, retained: [Set<String>])] = [:]
                for (user, ts) in first {
                    let start = TenantState.periodStart(of: r.day(ts), period)
                    guard s.range.all.contains(start) else { continue }
                    expected[start, default: ([], Array(repeating: [], count: 4))].users.insert(user)
                }
                for e in r.events where returnName == nil || e.type == returnName {
                    let u = r.canonical(e.user)
                    guard let ts = first[u] else { continue }
                    let cohort = TenantState.periodStart(of: r.day(ts), period)
                    guard expected[cohort] != nil else { continue }
                    var start = cohort
                    let eventPeriod = TenantState.periodStart(of: r.day(e.timestampMs), period)
                    for k in 0...3 {
                        if start == eventPeriod { expected[cohort]!.retained[k].insert(u) }
                        start = TenantState.nextPeriod(after: start, period)
                    }
                }
                #expect(engine.map(\.start) == expected.keys.sorted(), "\(period) \(String(describing: entryName))")
                for cohort in engine {
                    #expect(cohort.users == expected[cohort.start]?.users.count)
                    #expect(cohort.retained == expected[cohort.start]?.retained.map(\.count))
                }
            }
        }
    }
}
