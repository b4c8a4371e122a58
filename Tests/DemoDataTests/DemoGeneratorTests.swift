import DemoData
import Foundation
import Testing

/// The generated data has the shape its documentation promises, checked by plain counting.
@Suite struct DemoGeneratorTests {
    static let end: Int64 = 1_793_448_000_000   // 2026-10-31T12:00:00Z
    static let options = DemoGenerator.Options(events: 20_000, users: 400, days: 30, endMs: end, seed: 7)

    static func events(_ records: [DemoRecord]) -> [DemoEvent] {
        records.compactMap { if case .event(let e) = $0 { e } else { nil } }
    }

    @Test func exactlyTheEventsAskedForInTimeOrderInsideTheWindow() {
        let records = DemoGenerator(Self.options).records()
        let events = Self.events(records)
        #expect(events.count == 20_000)
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.timestampMs <= $1.timestampMs })
        let start = Self.end - 30 * 86_400_000
        #expect(events.allSatisfy { (start..<Self.end).contains($0.timestampMs) })
        #expect(Set(events.map(\.user)).count <= 400 + records.count - events.count)
    }

    @Test func theSameSeedGivesTheSameRecordsAndAnotherSeedOthers() {
        let a = DemoGenerator(Self.options).records()
        #expect(a == DemoGenerator(Self.options).records())
        var other = Self.options
        other.seed = 8
        #expect(a != DemoGenerator(other).records())
    }

    @Test func sessionsFunnelsMergesAndPropertiesLookReal() {
        let records = DemoGenerator(Self.options).records()
        let events = Self.events(records)
        var byType: [String: Int] = [:]
        for e in events { byType[e.name, default: 0] += 1 }
        // Page views lead; the onboarding funnel narrows step by step.
        #expect(byType["page_view", default: 0] > events.count / 5)
        let funnel = ["signup", "onboarding_started", "onboarding_completed", "first_report_created"].map { byType[$0, default: 0] }
        #expect(funnel[0] > 0 && zip(funnel, funnel.dropFirst()).allSatisfy { $0 > $1 })
        // Exports follow views; merges fold anonymous visitors that browsed first.
        #expect(byType["report_exported", default: 0] < byType["report_viewed", default: 0])
        let merges = records.compactMap { if case .merge(let anonymous, let user, _) = $0 { (anonymous, user) } else { nil } }
        #expect(!merges.isEmpty)
        #expect(merges.allSatisfy { m in m.0.hasPrefix("anon-") && events.contains { $0.user == m.0 } })
        // Every event carries the breakdown dimensions; page views carry a page.
        #expect(events.allSatisfy { e in ["country", "device_type", "os", "browser", "plan", "platform"].allSatisfy { k in e.properties.contains { $0.key == k } } })
        #expect(events.filter { $0.name == "page_view" }.allSatisfy { $0.page != nil })
        // Sessions: most consecutive events of a user on a day are minutes apart, not hours.
        var last: [String: Int64] = [:], close = 0, far = 0
        for e in events {
            if let previous = last[e.user] { if e.timestampMs - previous < 30 * 60_000 { close += 1 } else { far += 1 } }
            last[e.user] = e.timestampMs
        }
        #expect(close > far)
    }

    @Test func linesAreJSONInTheImportShape() throws {
        let records = DemoGenerator(.init(events: 200, users: 20, days: 3, endMs: Self.end)).records()
        for record in records {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(record.ndjsonLine.utf8)) as? [String: Any])
            switch record {
            case .event(let e):
                #expect(object["event"] as? String == e.name && object["user_id"] as? String == e.user)
                let stamp = try #require(object["timestamp"] as? String)
                let formatter = ISO8601DateFormatter()
                formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                #expect(formatter.date(from: stamp).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == e.timestampMs)
            case .merge(let anonymous, _, _):
                #expect(object["type"] as? String == "merge" && object["anonymous_id"] as? String == anonymous)
            }
        }
    }
}
