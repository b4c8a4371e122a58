import Foundation
import Testing
import TestSupport
@testable import Runtime

@Suite struct UserQuestionsTests {
    @Test(arguments: Array(0..<5))
    func topUsersAndDetailMatchTheEvents(seed: Int) {
        let s = TenantStateDifferentialTests.scenario(seed: UInt64(300 + seed), zone: "UTC")
        let r = s.reference
        for range in [s.range, DayRange(days: 3, endingOn: s.range.last)] {
            var counts: [String: Int] = [:]
            for e in r.events where range.all.contains(r.day(e.timestampMs)) { counts[r.canonical(e.user), default: 0] += 1 }
            let expected = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10)
            let top = s.engine.topUsers(range)
            #expect(top.map(\.user) == expected.map(\.key))
            #expect(top.map(\.events) == expected.map(\.value))
        }
        guard let someone = r.events.last.map({ r.canonical($0.user) }) else { return }
        let mine = r.events.filter { r.canonical($0.user) == someone }.sorted { $0.timestampMs > $1.timestampMs }
        let detail = s.engine.userDetail(someone, eventsLimit: 5)
        #expect(detail?.events == mine.count)
        #expect(detail?.latestEvents.map(\.timestampMs) == mine.prefix(5).map(\.timestampMs))
        #expect(detail?.firstSeenMs == mine.last?.timestampMs)
        #expect(s.engine.userDetail("nobody@x.com", eventsLimit: 5) == nil)
    }
}
