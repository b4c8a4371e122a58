import Foundation
import Testing
import TestSupport
@testable import Runtime

@Suite struct AdoptionTests {
    @Test(arguments: Array(0..<6))
    func matchesACountOverTheEvents(seed: Int) {
        let s = TenantStateDifferentialTests.scenario(seed: UInt64(100 + seed), zone: TenantStateDifferentialTests.zones[seed % 5])
        for range in [s.range, DayRange(days: 7, endingOn: s.range.last), DayRange(days: 1, endingOn: s.range.last - 2)] {
            let inRange = s.reference.events.filter { range.all.contains(s.reference.day($0.timestampMs)) }
            let active = Set(inRange.map { s.reference.canonical($0.user) }).count
            let engine = s.engine.adoption(range)
            #expect(Set(engine.map(\.eventType)) == Set(inRange.map(\.type)))
            for row in engine {
                let users = Set(inRange.filter { $0.type == row.eventType }.map { s.reference.canonical($0.user) })
                #expect(row.users == users.count && row.activeUsers == active, "\(row.eventType)")
            }
            guard let type = inRange.first?.type, let one = s.engine.adoption(of: type, range) else { continue }
            var seen = Set<String>()
            for point in one.daily {
                let dayEvents = inRange.filter { s.reference.day($0.timestampMs) == point.day }
                let users = Set(dayEvents.filter { $0.type == type }.map { s.reference.canonical($0.user) })
                seen.formUnion(users)
                #expect(point.users == users.count)
                #expect(point.activeUsers == Set(dayEvents.map { s.reference.canonical($0.user) }).count)
                #expect(point.cumulativeUsers == seen.count)
            }
            #expect(one.total.users == seen.count)
        }
        #expect(s.engine.adoption(of: "never-sent", s.range) == nil)
    }
}
