import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Include/exclude queries against sets built by looping over the events.
@Suite struct EventQueryTests {
    @Test func propertyFiltersCompareNumbersAsNumbers() {
        #expect(PropertyFilter(property: "n", op: .gt, values: ["9"]).matches("10"))
        #expect(PropertyFilter(property: "s", op: .gt, values: ["b"]).matches("c"))
        #expect(PropertyFilter(property: "s", op: .lte, values: ["b"]).matches("b"))
        #expect(PropertyFilter(property: "s", op: .in, values: ["x", "y"]).matches("y"))
        #expect(PropertyFilter(property: "s", op: .contains, values: ["ell"]).matches("hello"))
        #expect(PropertyFilter(property: "s", op: .neq, values: ["a"]).matches(nil))
        #expect(!PropertyFilter(property: "s", op: .eq, values: ["a"]).matches(nil))
    }

    @Test(arguments: Array(0..<8))
    func queriesMatchPlainSets(seed: Int) throws {
        let f = try EventQuestionsTests.build(seed: seed + 40)
        let (state, events, range) = (f.0, f.1, f.2)
        var rng = SeededGenerator(seed: UInt64(seed))
        let plans = (0..<14).map { "p\($0)" }
        func randomCondition() -> (TenantState.EventCondition, (EventQuestionsTests.Event) -> Bool, Int) {
            let type = ["a", "b", "c"][Int(rng.next() % 3)]
            let within = Int.random(in: 1...range.count, using: &rng)
            let days = DayRange(days: within, endingOn: range.last)
            var filters: [PropertyFilter] = []
            var test: (EventQuestionsTests.Event) -> Bool = { _ in true }
            switch rng.next() % 4 {
            case 0:
                let plan = plans.randomElement(using: &rng)!
                filters = [PropertyFilter(property: "plan", op: .eq, values: [plan])]; test = { $0.plan == plan }
            case 1:
                let some = Array(plans.shuffled(using: &rng).prefix(4))
                filters = [PropertyFilter(property: "plan", op: .in, values: some)]; test = { $0.plan.map(some.contains) ?? false }
            case 2:
                filters = [PropertyFilter(property: "plan", op: .neq, values: ["p1"])]; test = { $0.plan != "p1" }
            default: break
            }
            let minCount = rng.next() % 3 == 0 ? 2 : 1
            let condition = TenantState.EventCondition(eventType: state.eventTypeIndex(type)!, filters: filters, days: days, minCount: minCount)
            return (condition, { e in e.type == type && days.all.contains(state.day(of: e.ts)) && test(e) }, minCount)
        }
        for _ in 0..<10 {
            let includes = (0..<Int.random(in: 1...3, using: &rng)).map { _ in randomCondition() }
            let excludes = (0..<Int.random(in: 0...2, using: &rng)).map { _ in randomCondition() }
            func users(_ c: (TenantState.EventCondition, (EventQuestionsTests.Event) -> Bool, Int)) -> Set<String> {
                var counts: [String: Int] = [:]
                for e in events where c.1(e) { counts[e.user, default: 0] += 1 }
                return Set(counts.filter { $0.value >= c.2 }.keys)
            }
            var expected = users(includes[0])
            for c in includes.dropFirst() { expected.formIntersection(users(c)) }
            for c in excludes { expected.subtract(users(c)) }
            let result = state.eventQuery(includes: includes.map(\.0), excludes: excludes.map(\.0))
            #expect(Set(result.matching.members.map { state.userNames.string($0) }) == expected)
            for (c, r) in zip(includes, result.includes) { #expect(r.events == events.filter(c.1).count) }
        }
    }
}
