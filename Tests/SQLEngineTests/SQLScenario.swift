import Foundation
import TestSupport
@testable import Runtime

/// Random events (merges, pages, properties, some minutes apart and some days apart) in an
/// engine and as a plain list with user names resolved by hand, for SQL answers to be checked
/// against loops over the list.
struct SQLScenario {
    struct Event {
        var user: String
        var type: String
        var page: String?
        var timestampMs: Int64
        var properties: [String: String]
    }

    var engine: TenantState
    var events: [Event] = []
    var mergedInto: [String: String] = [:]
    static let nowMs: Int64 = 1_775_822_400_000   // 2026-04-10T12:00:00Z

    func canonical(_ user: String) -> String {
        var u = user
        while let next = mergedInto[u] { u = next }
        return u
    }

    init(seed: UInt64, count: ClosedRange<Int> = 600...1500) {
        var rng = SeededGenerator(seed: seed)
        engine = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: TimeZone(identifier: "UTC")!, retentionDays: 0))
        let nowMs = Self.nowMs
        var pending: [EventInput] = []
        func flush() {
            guard !pending.isEmpty else { return }
            _ = try! engine.ingest(pending, nowMs: nowMs, anonymousID: "anon-generated")
            pending.removeAll()
        }
        for _ in 0..<Int.random(in: count, using: &rng) {
            let ts = rng.next() % 3 == 0 ? nowMs - Int64.random(in: 0..<(6 * 3_600_000), using: &rng)
                                         : nowMs - Int64.random(in: 0..<(20 * 86_400_000), using: &rng)
            let user = rng.next() % 8 == 0 ? "anon-\(Int.random(in: 0..<10, using: &rng))" : "u\(Int.random(in: 0..<30, using: &rng))"
            let type = ["login", "page_view", "purchase", "export", "Zeta"].randomElement(using: &rng)!
            var properties: [String: String] = [:]
            if rng.next() % 5 != 0 { properties["country"] = ["US", "DE", "FR", "BR"].randomElement(using: &rng)! }
            if rng.next() % 3 != 0 { properties["device"] = ["desktop", "mobile"].randomElement(using: &rng)! }
            if type == "purchase" { properties["amount"] = String(Int.random(in: 1...500, using: &rng)) }
            if rng.next() % 7 == 0 { properties["note"] = "quote \" and \\ and\nnewline" }
            let page = type == "page_view" ? "/p\(Int.random(in: 0..<4, using: &rng))" : nil
            pending.append(EventInput(eventType: type, user: user, page: page, timestampMs: ts,
                                      properties: properties.sorted { $0.key < $1.key }.map { .init($0.key, $0.value) }))
            events.append(Event(user: user, type: type, page: page, timestampMs: ts, properties: properties))
            if pending.count >= Int.random(in: 1...40, using: &rng) { flush() }
            if rng.next() % 80 == 0 {
                flush()
                let anon = "anon-\(Int.random(in: 0..<10, using: &rng))"
                if mergedInto[anon] == nil, engine.userIndex(anon) != nil {
                    let target = "u\(Int.random(in: 0..<30, using: &rng))"
                    _ = engine.merge(anonymousID: anon, into: target)
                    mergedInto[anon] = target
                }
            }
        }
        flush()
    }

    /// `YYYY-MM-DD HH:MM:SS.mmm` in UTC through Foundation.
    static func text(_ ms: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
