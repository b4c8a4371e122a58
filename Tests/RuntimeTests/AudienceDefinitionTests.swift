import Testing
import TestSupport
@testable import Runtime

/// Audience definitions compile to segment rules; the members those rules give equal a plain
/// per-user reading of the definition itself, over generated users with a fixed seed.
@Suite struct AudienceDefinitionTests {
    typealias World = SegmentTests.World

    /// The definition read directly: latest user properties, event counts in each window.
    static func holds(_ definition: AudienceDefinition, _ u: String, in w: World) -> Bool {
        let mine = w.events.filter { $0.user == u }
        guard !mine.isEmpty else { return false }
        let latest = mine.enumerated().max { ($0.element.ts, $0.offset) < ($1.element.ts, $1.offset) }!.element
        for f in definition.filters {
            let actual: String? = f.filter.property == "tier" ? w.userTier[u] : f.filter.property == "plan" ? latest.plan : nil
            let matches: Bool
            switch (f.filter.op, f.negated) {
            case (.in, true): matches = actual.map { !f.filter.values.contains($0) } ?? true
            case (.contains, true): matches = actual.map { !$0.contains(f.filter.values[0]) } ?? true
            default: matches = f.filter.matches(actual)
            }
            if !matches { return false }
        }
        for e in definition.events {
            let n = mine.filter { $0.type == e.event && w.window(e.withinDays ?? definition.lookbackDays)($0.ts) }.count
            if let count = e.count { if !count.comparison.holds(n, count.value) { return false } } else if n == 0 { return false }
        }
        return true
    }

    static func randomDefinition(_ rng: inout SeededGenerator) -> AudienceDefinition {
        func days() -> Int? { rng.next() % 3 == 0 ? nil : Int.random(in: 1...35, using: &rng) }
        let filters: [AudienceDefinition.Filter] = (0..<Int(rng.next() % 3)).map { _ in
            let property = ["plan", "tier", "absent"][Int(rng.next() % 3)]
            switch rng.next() % 6 {
            case 0: return .init(PropertyFilter(property: property, op: .eq, values: [["pro", "gold", "free"][Int(rng.next() % 3)]]))
            case 1: return .init(PropertyFilter(property: property, op: .neq, values: ["free"]))
            case 2: return .init(PropertyFilter(property: property, op: .in, values: ["pro", "team"]), negated: rng.next() % 2 == 0)
            case 3: return .init(PropertyFilter(property: property, op: .contains, values: ["o"]), negated: rng.next() % 2 == 0)
            case 4: return .init(PropertyFilter(property: property, op: .gt, values: ["m"]))
            default: return .init(PropertyFilter(property: property, op: .lte, values: ["pro"]))
            }
        }
        let events: [AudienceDefinition.Event] = (0..<Int(rng.next() % 3)).map { _ in
            let name = ["a", "b", "c", "never"][Int(rng.next() % 4)]
            let count = rng.next() % 2 == 0 ? nil : (SegmentRule.CountComparison.allCases.randomElement(using: &rng)!, Int.random(in: 0...5, using: &rng))
            return .init(event: name, count: count, withinDays: days())
        }
        return AudienceDefinition(filters: filters, events: events, lookbackDays: days())
    }

    @Test(arguments: Array(0..<6))
    func compiledAudiencesCountLikeAPlainReading(seed: Int) throws {
        let w = try SegmentTests.world(seed: seed)
        var rng = SeededGenerator(seed: UInt64(seed) &+ 77)
        for _ in 0..<25 {
            let definition = Self.randomDefinition(&rng)
            guard !definition.rules.isEmpty else { continue }
            let expected = Set(w.users.filter { Self.holds(definition, $0, in: w) })
            let got = w.state.members(of: definition.rules, today: w.today) { w.state.segments.byID[$0]?.members }
            #expect(Set(got.members.map { w.state.userNames.string($0) }) == expected, "seed \(seed): \(definition)")
        }
    }

    @Test func theLookBackIsTheWindowOfEventsThatNameNone() {
        let definition = AudienceDefinition(filters: [.init(PropertyFilter(property: "plan", op: .in, values: ["pro"]), negated: true)],
                                            events: [.init(event: "login"), .init(event: "export", count: (.gte, 3), withinDays: 7)], lookbackDays: 30)
        #expect(definition.rules == [
            .not(.userProperty(PropertyFilter(property: "plan", op: .in, values: ["pro"]))),
            .didEvent(event: "login", withinDays: 30, filters: []),
            .eventCount(event: "export", comparison: .gte, value: 3, withinDays: 7),
        ])
    }

    @Test func rulesOfTheCompiledShapeReadBackAsADefinition() {
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<50 {
            let definition = Self.randomDefinition(&rng)
            let back = AudienceDefinition(rules: definition.rules)
            #expect(back?.rules == definition.rules)
            #expect(back?.lookbackDays == nil)
        }
        #expect(AudienceDefinition(rules: [.firstSeen(withinDays: 3)]) == nil)
        #expect(AudienceDefinition(rules: [.didEvent(event: "a", withinDays: nil, filters: [PropertyFilter(property: "p", op: .eq, values: ["x"])])]) == nil)
        #expect(AudienceDefinition(rules: [.not(.userProperty(PropertyFilter(property: "p", op: .eq, values: ["x"])))]) == nil)
    }
}
