import Foundation
@testable import HTTPFront
import Runtime
import Testing

/// The fast path (`SDKTranslator`, simdjson) makes of every body it takes exactly what the
/// general path (the JSON tree and the routes' translations) makes of it: the same events, field
/// by field, and the same message ids, on random Segment and PostHog bodies.
@Suite struct SDKFastPathDifferentialTests {
    struct Event: Equatable {
        var type: String, user: String?, account: String?, page: String?, timestamp: Int64?
        var properties: [String]
    }

    static func fast(_ translated: SDKTranslatedBatch) -> [Event] {
        let batch = translated.batch
        return batch.events.map { e in
            Event(type: batch.string(e.event_type) ?? "", user: batch.string(e.user), account: batch.string(e.account), page: batch.string(e.page),
                  timestamp: e.has_timestamp != 0 ? e.timestamp_ms : nil,
                  properties: batch.properties(of: e).map { "\(batch.string($0.key) ?? "")=\(batch.string($0.value) ?? "")" }.sorted())
        }
    }

    static func slow(_ messages: [SDKMessage]) -> [Event] {
        messages.flatMap(\.events).map { e in
            Event(type: e.eventType, user: e.user, account: e.account, page: e.page, timestamp: e.timestampMs,
                  properties: e.properties.map { "\($0.key)=\($0.value)" }.sorted())
        }
    }

    struct Random {
        var rng: SplitMixLike
        mutating func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        /// Mostly the first item (what clients send), now and then one of the others (edge cases).
        mutating func usually<T>(_ items: [T]) -> T { chance(0.9) ? items[0] : pick(items) }
        mutating func chance(_ p: Double) -> Bool { Double(rng.next() % 10_000) < p * 10_000 }
    }

    struct SplitMixLike {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    nonisolated(unsafe) static let urls: [Any] = ["https://app.x.io/home?ref=1", "https://x.io", "http://h.io:8080/a/b#f", "/relative/path", "pricing",
                              "https://x.io/a%20b", "//x.io/a", "https://user@x.io/p", "mailto:a@x.io", "https://x.io/é", 7]
    nonisolated(unsafe) static let values: [Any] = ["pro", "", "é 中", 5, -12, true, false, NSNull(), 1.5, ["nested": 1], [1, 2], String(repeating: "v", count: 1100)]
    static let keys = ["plan", "seats", "name", "path", "url", "country", "os", "$os", "$browser", "$current_url", "$pathname", "token", "$lib", ""]

    static func properties(_ r: inout Random, extra: [String] = []) -> [String: Any] {
        var out: [String: Any] = [:]
        for _ in 0..<Int(r.rng.next() % 6) {
            let key = r.pick(keys + extra)
            out[key] = key.contains("url") || key.contains("path") || key == "$current_url" || key == "$pathname" ? r.usually(urls) : r.usually(values)
        }
        return out
    }

    static func time(_ r: inout Random) -> Any {
        r.usually(["2026-10-31T11:00:00.123456+00:00", "2026-10-30T08:15:00Z", "2026-10-31", "1793440000000", "not a time", "1999-01-01T00:00:00Z", 1793440000000] as [Any])
    }

    static func segmentMessage(_ r: inout Random, type: String?) -> [String: Any] {
        var m: [String: Any] = [:]
        if let type { m["type"] = type }
        if r.chance(0.85) { m["userId"] = r.usually(["ada", "bob", "", 42] as [Any]) }
        if r.chance(0.2) { m["anonymousId"] = r.pick(["v1", "v2"]) }
        if r.chance(0.8) { m["messageId"] = "m-\(r.rng.next() % 1000)" }
        if r.chance(0.6) { m["timestamp"] = time(&r) }
        if r.chance(0.2) { m["originalTimestamp"] = time(&r) }
        if r.chance(0.95) { m["event"] = r.usually(["Signed Up", "Viewed", ""]) }
        if r.chance(0.5) { m["name"] = r.pick(["Home", "Settings", ""]) }
        if r.chance(0.2) { m["category"] = "Docs" }
        if r.chance(0.8) { m["properties"] = properties(&r) }
        if r.chance(0.7) {
            var context: [String: Any] = [:]
            if r.chance(0.5) { context["groupId"] = r.usually(["acme", 9] as [Any]) }
            if r.chance(0.4) { context["page"] = ["path": r.usually(urls)] }
            if r.chance(0.4) { context["location"] = ["country": r.usually(["DE", 1] as [Any])] }
            if r.chance(0.4) { context["os"] = ["name": "iOS"] }
            if r.chance(0.3) { context["device"] = ["type": "mobile"] }
            if r.chance(0.5) { context["library"] = ["name": "analytics-python"] }
            m["context"] = context
        }
        return m
    }

    static func posthogEvent(_ r: inout Random) -> [String: Any] {
        var e: [String: Any] = ["event": r.chance(0.85) ? r.pick(["$pageview", "clicked", "opened"]) : r.pick(["$screen", "$identify", "$autocapture", ""])]
        if r.chance(0.95) { e["distinct_id"] = r.usually(["ada", "bob", 7] as [Any]) }
        if r.chance(0.8) { e["uuid"] = "u-\(r.rng.next() % 1000)" }
        if r.chance(0.6) { e["timestamp"] = time(&r) }
        if e["event"] as? String == "$pageview", r.chance(0.9) { e["properties"] = ["$current_url": r.usually(urls)] }
        var p = (e["properties"] as? [String: Any] ?? [:]).merging(properties(&r, extra: ["$screen_name", "$geoip_country_code", "$device_type", "distinct_id"])) { a, _ in a }
        if r.chance(0.3) { p["$groups"] = r.usually([["company": "acme"], ["b": "x", "a": "y"], ["company": ["deep": 1]], ["company": NSNull()]] as [Any]) }
        if r.chance(0.05) { p["$set"] = ["plan": "free"] }
        if r.chance(0.9) { e["properties"] = p }
        return e
    }

    static func bytes(_ object: Any) throws -> [UInt8] { Array(try JSONSerialization.data(withJSONObject: object)) }

    static func slowSegment(_ body: [UInt8], single: String?) throws -> [SDKMessage] {
        let json = try body.withUnsafeBytes { try JSONValueParser.parse($0) }
        let root = try SDKObject(json, path: "")
        if let single { return [try SegmentTrackingRoutes.translate(root, type: single)] }
        return try (try root.array("batch") ?? []).enumerated().map { i, item in
            let message = try SDKObject(item, path: "batch[\(i)]")
            return try SegmentTrackingRoutes.translate(message, type: try message.requiredText("type"))
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func segmentBodiesTranslateAlike(seed: UInt64) throws {
        var r = Random(rng: SplitMixLike(state: seed))
        let translator = SDKTranslator()
        var taken = 0
        for round in 0..<400 {
            let single = round % 4 == 0 ? r.pick(["track", "page", "screen"]) : nil
            let body: [UInt8]
            if let single {
                body = try Self.bytes(Self.segmentMessage(&r, type: nil))
                let dialect = SDKTranslator.dialect(ofPath: "/v1/\(single)")!
                guard let fast = translator.translate(body, dialect: dialect) else { continue }
                taken += 1
                let slow = try Self.slowSegment(body, single: single)
                #expect(Self.fast(fast) == Self.slow(slow), "\(String(decoding: body, as: UTF8.self))")
                #expect(fast.messageHashes == slow.map { $0.messageID.map(MessageIDs.hash) ?? 0 })
            } else {
                let count = 1 + Int(r.rng.next() % 4)
                let messages = (0..<count).map { _ in Self.segmentMessage(&r, type: r.pick(["track", "page", "screen", "track", "identify"])) }
                body = try Self.bytes(["batch": messages, "writeKey": "k"])
                guard let fast = translator.translate(body, dialect: SDKTranslator.dialect(ofPath: "/v1/batch")!) else { continue }
                taken += 1
                #expect(fast.key == "k")
                let slow = try Self.slowSegment(body, single: nil)
                #expect(Self.fast(fast) == Self.slow(slow), "\(String(decoding: body, as: UTF8.self))")
                #expect(fast.messageHashes == slow.map { $0.messageID.map(MessageIDs.hash) ?? 0 })
            }
        }
        // The comparison is not vacuous: a good share of the random bodies take the fast path.
        #expect(taken > 40, "only \(taken) bodies were taken")
    }

    @Test(arguments: [5, 6, 7, 8])
    func postHogBodiesTranslateAlike(seed: UInt64) throws {
        var r = Random(rng: SplitMixLike(state: seed))
        let translator = SDKTranslator()
        var taken = 0
        for _ in 0..<400 {
            let events = (0..<(1 + Int(r.rng.next() % 3))).map { _ in Self.posthogEvent(&r) }
            let body = try Self.bytes(["api_key": "k", "batch": events])
            guard let fast = translator.translate(body, dialect: SDKTranslator.dialect(ofPath: "/batch")!) else { continue }
            taken += 1
            let json = try body.withUnsafeBytes { try JSONValueParser.parse($0) }
            let items = try #require(json.object?["batch"]?.array)
            let slow = try items.enumerated().map { try PostHogCaptureRoutes.translate(try SDKObject($0.element, path: "batch[\($0.offset)]")) }
            #expect(Self.fast(fast) == Self.slow(slow), "\(String(decoding: body, as: UTF8.self))")
            #expect(fast.messageHashes == slow.map { $0.messageID.map(MessageIDs.hash) ?? 0 })
            #expect(slow.allSatisfy { $0.merges.isEmpty && $0.edits.isEmpty })
        }
        #expect(taken > 40, "only \(taken) bodies were taken")
    }
}
