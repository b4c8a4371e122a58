import Foundation
import Testing
import TestSupport
@testable import Runtime

/// `groupedMetrics` against plain grouping of the reference's events.
@Suite struct GroupedMetricsDifferentialTests {
    typealias Scenarios = MetricsSeriesDifferentialTests

    @Test(arguments: Array(0..<10))
    func groupsAgree(seed: Int) {
        let s = Scenarios.scenario(seed: UInt64(seed), zone: Scenarios.zones[seed % Scenarios.zones.count])
        var rng = SeededGenerator(seed: UInt64(seed) + 5000)
        let r = s.reference
        for _ in 0..<15 {
            let q = Scenarios.query(s, &rng)
            let groupBy = [EventField.eventName, .page, .property("country"), .property("plan")].randomElement(using: &rng)!
            let size = [GroupedSize.count, .uniqueActors, .sum(property: "amount")].randomElement(using: &rng)!
            let intensity = [GroupedIntensity.avgPerActor, .uniqueActors, .percentilePerActor(0.7), .percentilePerActor(0.25), .avg(property: "amount")].randomElement(using: &rng)!
            let maxGroups = Int.random(in: 1...4, using: &rng)
            let engine = s.engine.groupedMetrics(q, groupBy: groupBy, size: size, intensity: intensity, maxGroups: maxGroups)

            let events = r.passing(q.conditions, from: q.window.startMs, to: q.window.endMs)
            func measure(_ list: [MetricsReference.Event]) -> (Double, Double?) {
                var perUser: [String: Int] = [:]
                for e in list { perUser[r.canonical(e.user), default: 0] += 1 }
                let amounts = list.compactMap { $0.properties["amount"].flatMap(Double.init) }
                let sizeValue: Double = switch size {
                case .count: Double(list.count)
                case .uniqueActors: Double(perUser.count)
                case .sum: amounts.reduce(0, +)
                }
                let intensityValue: Double? = switch intensity {
                case .avgPerActor: perUser.isEmpty ? nil : Double(list.count) / Double(perUser.count)
                case .uniqueActors: Double(perUser.count)
                case .percentilePerActor(let p):
                    perUser.isEmpty ? nil : perUser.values.sorted()[max(1, Int((p * 100).rounded()) * perUser.count / 100 + (Int((p * 100).rounded()) * perUser.count % 100 == 0 ? 0 : 1)) - 1].asDouble
                case .avg: amounts.isEmpty ? nil : amounts.reduce(0, +) / Double(amounts.count)
                }
                return (sizeValue, intensityValue)
            }
            let groups = Dictionary(grouping: events) { r.value(of: groupBy, $0) }
            let ranked = groups.map { ($0.key, $0.value, measure($0.value)) }.sorted { a, b in
                a.2.0 != b.2.0 ? a.2.0 > b.2.0 : (a.0 ?? "") < (b.0 ?? "")
            }
            var expected = ranked.prefix(maxGroups).map { GroupedRow(dimension: $0.0.map { .value($0) } ?? .none, size: $0.2.0, intensity: $0.2.1) }
            if ranked.count > maxGroups {
                let m = measure(ranked.dropFirst(maxGroups).flatMap(\.1))
                expected.append(GroupedRow(dimension: .other, size: m.0, intensity: m.1))
            }
            #expect(engine.count == expected.count, "\(groupBy) \(size) \(intensity)")
            for (a, b) in zip(engine, expected) {
                #expect(a.dimension == b.dimension && abs(a.size - b.size) < 1e-6, "\(groupBy) \(size) \(intensity)")
                #expect((a.intensity == nil) == (b.intensity == nil) && abs((a.intensity ?? 0) - (b.intensity ?? 0)) < 1e-6, "\(groupBy) \(size) \(intensity): \(String(describing: a.intensity)) vs \(String(describing: b.intensity))")
            }
        }
    }
}

private extension Int {
    var asDouble: Double { Double(self) }
}
