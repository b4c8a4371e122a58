import CIngest
import Foundation
import Testing
import TestSupport

@testable import Runtime

// Differential and hostile-input tests for FastIngestParser (simdjson On Demand, CIngest) and
// ISO8601Timestamp. Random inputs come from a seeded generator, so failures reproduce.

// MARK: - Support

private typealias IngestTestRNG = SeededGenerator

extension SeededGenerator {
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}

/// A property value as the fast parser reports it.
private enum IngestPropertyValue: Equatable, CustomStringConvertible {
    case string(String)
    case number(String)  // the JSON token text
    case bool(Bool)

    var description: String {
        switch self {
        case .string(let s): return "string(\(s.debugDescription))"
        case .number(let s): return "number(\(s))"
        case .bool(let b): return "bool(\(b))"
        }
    }
}

/// One event with plain Swift values, for comparisons.
private struct IngestDecodedEvent: Equatable {
    var eventType: String?
    var user: String?
    var account: String?
    var page: String?
    var externalID: String?
    var anonymousID: String?
    var timestampMs: Int64?
    var properties: [String: IngestPropertyValue] = [:]
}

private func ingestDecode(_ batch: ParsedBatch) -> [IngestDecodedEvent] {
    batch.events.map { event in
        var properties: [String: IngestPropertyValue] = [:]
        for property in batch.properties(of: event) {
            let key = batch.string(property.key)!
            let text = batch.string(property.value)!
            switch Int(property.kind) {
            case Int(CI_VALUE_STRING): properties[key] = .string(text)
            case Int(CI_VALUE_NUMBER): properties[key] = .number(text)
            default: properties[key] = .bool(text == "true")
            }
        }
        return IngestDecodedEvent(
            eventType: batch.string(event.event_type), user: batch.string(event.user),
            account: batch.string(event.account), page: batch.string(event.page),
            externalID: batch.string(event.external_id), anonymousID: batch.string(event.anonymous_id),
            timestampMs: event.has_timestamp != 0 ? event.timestamp_ms : nil, properties: properties)
    }
}

private func ingestError(_ parser: FastIngestParser, _ body: [UInt8], maxEvents: Int = 1000) -> IngestParseError? {
    do {
        _ = try parser.parse(body, maxEvents: maxEvents)
        return nil
    } catch {
        return error
    }
}

private func ingestError(_ parser: FastIngestParser, _ body: String, maxEvents: Int = 1000) -> IngestParseError? {
    ingestError(parser, Array(body.utf8), maxEvents: maxEvents)
}

private let ingestUTC: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
}()

// MARK: - Random events and their JSON

/// A timestamp as written in the body, with the instant Foundation computes for it.
private struct IngestModelTimestamp {
    var json: String
    var expectedMs: Int64
}

private enum IngestModelValue {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
}

private struct IngestModelEvent {
    var fields: [(canonical: String, value: String?)] = []  // nil = JSON null
    var timestamp: IngestModelTimestamp??  // .some(nil) = JSON null
    var properties: [(key: String, value: IngestModelValue)]?
    var unknown: [(key: String, json: String)] = []

    var expected: IngestDecodedEvent {
        var e = IngestDecodedEvent()
        for (name, value) in fields {
            switch name {
            case "event_type": e.eventType = value
            case "user_email": e.user = value
            case "account_id": e.account = value
            case "page_url": e.page = value
            case "external_id": e.externalID = value
            default: e.anonymousID = value
            }
        }
        if case .some(.some(let ts)) = timestamp { e.timestampMs = ts.expectedMs }
        for (key, value) in properties ?? [] {
            switch value {
            case .string(let s): e.properties[key] = .string(s)
            case .number(let n): e.properties[key] = .number(n)
            case .bool(let b): e.properties[key] = .bool(b)
            case .null: break
            }
        }
        return e
    }
}

private struct IngestEventGenerator {
    var rng: IngestTestRNG

    static let aliases: [String: [String]] = [
        "event_type": ["event_type", "event"], "user_email": ["user_email", "user_id"],
        "account_id": ["account_id"], "page_url": ["page_url", "page"], "external_id": ["external_id"],
        "anonymous_id": ["anonymous_id"], "timestamp": ["timestamp"], "properties": ["properties"],
    ]

    static let pieces: [String] = [
        "a", "b", "z", "Q", "0", "9", " ", "-", "_", ".", "@", "/", "\"", "\\", "\n", "\t", "\r",
        "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{00}", "\u{7F}", "é", "ß", "中", "文", "😀", "🇩🇪", "\u{2028}",
        "signup", "page_view", "free",
    ]
    // No U+FEFF here: JSONSerialization drops a raw U+FEFF that directly follows an escape, which
    // would fail the reference comparison (see `byteOrderMarkInsideStrings`).

    mutating func text(maxPieces: Int = 12) -> String {
        var s = ""
        for _ in 0..<rng.int(0...maxPieces) { s += rng.pick(Self.pieces) }
        return s
    }

    /// JSON string literal for `s`, escaping randomly (always where JSON requires it).
    mutating func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            let v = scalar.value
            let mustEscape = scalar == "\"" || scalar == "\\" || v < 0x20
            if mustEscape || rng.chance(0.15) {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n" where rng.chance(0.5): out += "\\n"
                case "\t" where rng.chance(0.5): out += "\\t"
                case "\r" where rng.chance(0.5): out += "\\r"
                case "\u{08}" where rng.chance(0.5): out += "\\b"
                case "\u{0C}" where rng.chance(0.5): out += "\\f"
                case "/" where rng.chance(0.5): out += "\\/"
                default:
                    if v > 0xFFFF {
                        let u = v - 0x10000
                        out += String(format: "\\u%04x\\u%04X", 0xD800 + (u >> 10), 0xDC00 + (u & 0x3FF))
                    } else {
                        out += String(format: rng.chance(0.5) ? "\\u%04x" : "\\u%04X", v)
                    }
                }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    mutating func numberToken() -> String {
        let sign = rng.chance(0.3) ? "-" : ""
        let intPart = rng.chance(0.2) ? "0" : String(rng.int(1...999_999_999))
        var token = sign + intPart
        if rng.chance(0.4) { token += "." + String(rng.int(0...99999)) }
        if rng.chance(0.25) {
            token += rng.pick(["e", "E"]) + rng.pick(["", "+", "-"]) + String(rng.int(0...30))
        }
        return token
    }

    mutating func timestamp() -> IngestModelTimestamp {
        if rng.chance(0.25) {
            let ms = Int64(rng.int(-86_400_000...4_102_444_800_000))
            return IngestModelTimestamp(json: String(ms), expectedMs: ms)
        }
        let year = rng.int(1970...2100), month = rng.int(1...12)
        let first = ingestUTC.date(from: DateComponents(year: year, month: month, day: 1))!
        let day = rng.int(1...ingestUTC.range(of: .day, in: .month, for: first)!.count)
        let date = String(format: "%04d-%02d-%02d", year, month, day)
        if rng.chance(0.15) {
            let at = ingestUTC.date(from: DateComponents(year: year, month: month, day: day))!
            return IngestModelTimestamp(json: jsonString(date), expectedMs: Int64(at.timeIntervalSince1970) * 1000)
        }
        let hour = rng.int(0...23), minute = rng.int(0...59), second = rng.int(0...59)
        let at = ingestUTC.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
        var ms = Int64(at.timeIntervalSince1970) * 1000
        var text = date + rng.pick(["T", "T", "T", " "]) + String(format: "%02d:%02d:%02d", hour, minute, second)
        if rng.chance(0.6) {
            let digits = rng.int(1...9)
            var fraction = ""
            for _ in 0..<digits { fraction += String(rng.int(0...9)) }
            text += "." + fraction
            ms += Int64((fraction + "00").prefix(3))!
        }
        switch rng.int(0...3) {
        case 0: text += "Z"
        case 1: break  // no zone: UTC
        default:
            let offsetMinutes = rng.int(-14 * 60...14 * 60)
            let sign = offsetMinutes < 0 ? "-" : "+"
            let hh = abs(offsetMinutes) / 60, mm = abs(offsetMinutes) % 60
            text += sign + String(format: rng.chance(0.5) ? "%02d:%02d" : "%02d%02d", hh, mm)
            ms -= Int64(offsetMinutes) * 60_000
        }
        return IngestModelTimestamp(json: jsonString(text), expectedMs: ms)
    }

    mutating func unknownValue(depth: Int = 0) -> String {
        switch rng.int(depth > 3 ? 0...3 : 0...5) {
        case 0: return jsonString(text())
        case 1: return numberToken()
        case 2: return rng.pick(["true", "false"])
        case 3: return "null"
        case 4: return "[" + (0..<rng.int(0...3)).map { _ in unknownValue(depth: depth + 1) }.joined(separator: ",") + "]"
        default:
            return "{" + (0..<rng.int(0...3)).map { i in jsonString("k\(i)") + ":" + unknownValue(depth: depth + 1) }.joined(separator: ",") + "}"
        }
    }

    mutating func event() -> IngestModelEvent {
        var e = IngestModelEvent()
        for name in ["event_type", "user_email", "account_id", "page_url", "external_id", "anonymous_id"] where rng.chance(0.7) {
            e.fields.append((name, rng.chance(0.1) ? nil : text()))
        }
        if rng.chance(0.8) { e.timestamp = rng.chance(0.05) ? .some(nil) : timestamp() }
        if rng.chance(0.8) {
            var props: [(key: String, value: IngestModelValue)] = []
            var used = Set<String>()
            for _ in 0..<rng.int(0...8) {
                let key = rng.chance(0.5) ? rng.pick(["plan", "country", "browser", "device", "n", "ok"]) : text(maxPieces: 4)
                guard used.insert(key).inserted else { continue }
                let value: IngestModelValue
                switch rng.int(0...5) {
                case 0, 1: value = .string(text())
                case 2, 3: value = .number(numberToken())
                case 4: value = .bool(rng.chance(0.5))
                default: value = .null
                }
                props.append((key, value))
            }
            e.properties = props
        }
        for key in ["tenant", "type", "sent_at", "context"] where rng.chance(0.15) {
            e.unknown.append((key, unknownValue()))
        }
        return e
    }

    mutating func ws() -> String { rng.chance(0.1) ? rng.pick([" ", "\n", "\t ", "\r\n  "]) : "" }

    /// The event as a JSON object: random key order, aliases, escapes and whitespace.
    mutating func json(_ e: IngestModelEvent) -> String {
        var members: [String] = []
        func key(_ canonical: String, _ g: inout IngestEventGenerator) -> String {
            g.jsonString(g.rng.pick(Self.aliases[canonical]!))
        }
        for (name, value) in e.fields {
            members.append(key(name, &self) + ws() + ":" + ws() + (value.map { jsonString($0) } ?? "null"))
        }
        if let ts = e.timestamp {
            members.append(key("timestamp", &self) + ":" + ws() + (ts?.json ?? "null"))
        }
        if let props = e.properties {
            let inner = props.map { (k, v) -> String in
                let value: String
                switch v {
                case .string(let s): value = jsonString(s)
                case .number(let n): value = n
                case .bool(let b): value = b ? "true" : "false"
                case .null: value = "null"
                }
                return ws() + jsonString(k) + ws() + ":" + ws() + value + ws()
            }
            members.append(key("properties", &self) + ":{" + inner.joined(separator: ",") + "}")
        }
        for (k, v) in e.unknown { members.append(jsonString(k) + ":" + v) }
        members.shuffle(using: &rng)
        return "{" + ws() + members.joined(separator: "," + ws()) + ws() + "}"
    }

    mutating func body(events: [IngestModelEvent], batch: Bool) -> String {
        if !batch { return ws() + json(events[0]) + ws() }
        return "{" + ws() + "\"events\"" + ws() + ":" + ws() + "[" + events.map { json($0) }.joined(separator: "," + ws()) + "]" + ws() + "}" + ws()
    }
}

// MARK: - Reference decoder (Foundation)

/// Decodes a body with JSONSerialization, applying the same field names and aliases.
private func ingestReferenceDecode(_ body: String) throws -> [[String: Any]] {
    let root = try JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed])
    guard let object = root as? [String: Any] else { throw CocoaError(.coderReadCorrupt) }
    if let events = object["events"] as? [[String: Any]] { return events }
    return [object]
}

/// The reference's view of a field: checks canonical name and aliases.
private func ingestReferenceField(_ event: [String: Any], _ names: [String]) -> Any? {
    for name in names { if let value = event[name] { return value } }
    return nil
}

/// Nil when the reference decoding agrees with the fast parser's, else what differs.
private func ingestReferenceMismatch(_ event: [String: Any], _ fast: IngestDecodedEvent) -> String? {
    func string(_ names: [String]) -> String? { ingestReferenceField(event, names) as? String }
    let pairs: [(String, String?, String?)] = [
        ("event_type", string(["event_type", "event"]), fast.eventType), ("user_email", string(["user_email", "user_id"]), fast.user),
        ("account_id", string(["account_id"]), fast.account), ("page_url", string(["page_url", "page"]), fast.page),
        ("external_id", string(["external_id"]), fast.externalID), ("anonymous_id", string(["anonymous_id"]), fast.anonymousID),
    ]
    for (name, reference, mine) in pairs where reference != mine {
        return "\(name): \(String(describing: reference?.unicodeScalars.map(\.value))) vs \(String(describing: mine?.unicodeScalars.map(\.value)))"
    }
    let props = (event["properties"] as? [String: Any]) ?? [:]
    let nonNull = props.filter { !($0.value is NSNull) }
    guard nonNull.count == fast.properties.count else { return "property count \(nonNull.count) vs \(fast.properties.count)" }
    for (key, value) in nonNull {
        guard let mine = fast.properties[key] else { return "property \(key.debugDescription) missing" }
        switch mine {
        case .string(let s):
            guard value as? String == s else { return "property \(key.debugDescription): \(value) vs \(mine)" }
        case .number(let token):
            // Foundation's and Swift's decimal-to-double conversions may differ in the last bit.
            guard let number = value as? NSNumber, let parsed = Double(token),
                abs(number.doubleValue - parsed) <= abs(parsed) * 1e-15
            else { return "property \(key.debugDescription): \(value) vs \(mine)" }
        case .bool(let b):
            guard let number = value as? NSNumber, number.boolValue == b else { return "property \(key.debugDescription): \(value) vs \(mine)" }
        }
    }
    // Epoch-millisecond timestamps are checked here; ISO strings are checked against the model,
    // whose instants come from Foundation's Calendar.
    if let value = event["timestamp"], !(value is String), !(value is NSNull) {
        guard let number = value as? NSNumber, fast.timestampMs == number.int64Value else { return "timestamp \(value) vs \(String(describing: fast.timestampMs))" }
    }
    return nil
}

// MARK: - Differential tests

@Suite("FastIngestParser")
struct IngestParserTests {
    @Test("random valid bodies agree with the model and with JSONSerialization")
    func differential() throws {
        var generator = IngestEventGenerator(rng: IngestTestRNG(seed: 0xBEAC0)) 
        let parser = FastIngestParser()
        for round in 0..<400 {
            let batch = generator.rng.chance(0.7)
            let count = batch ? generator.rng.int(1...40) : 1
            let events = (0..<count).map { _ in generator.event() }
            let body = generator.body(events: events, batch: batch)
            let parsed: ParsedBatch
            do {
                parsed = try parser.parse(Array(body.utf8))
            } catch {
                Issue.record("round \(round): \(error) for \(body)")
                continue
            }
            #expect(parsed.isBatch == batch)
            let fast = ingestDecode(parsed)
            #expect(fast.count == events.count)
            let reference = try ingestReferenceDecode(body)
            #expect(reference.count == events.count)
            for (i, (model, mine)) in zip(events, fast).enumerated() {
                #expect(mine == model.expected, "round \(round) event \(i): \(body)")
                let mismatch = ingestReferenceMismatch(reference[i], mine)
                #expect(mismatch == nil, "round \(round) event \(i) vs JSONSerialization: \(body)")
            }
        }
    }

    @Test("results are copies that survive reuse of the parser")
    func reuse() throws {
        let parser = FastIngestParser()
        let first = try parser.parse(Array(#"{"events":[{"event":"a","properties":{"k":"v"}},{"event":"b"}]}"#.utf8))
        #expect(ingestError(parser, "{") != nil)
        let second = try parser.parse(Array(#"{"event":"zzzzzzzzzz","user_id":"u"}"#.utf8))
        #expect(ingestDecode(first).map(\.eventType) == ["a", "b"])
        #expect(first.string(first.properties(of: first.events[0]).first!.value) == "v")
        #expect(first.properties(of: first.events[1]).isEmpty)
        #expect(ingestDecode(second) == [IngestDecodedEvent(eventType: "zzzzzzzzzz", user: "u")])
        #expect(!second.isBatch)
    }

    @Test("generator line format")
    func generatorFormat() throws {
        let line = #"{"events":[{"event":"signup","user_id":"patricia.taylor4225@bluesoft-897.com","account_id":"bluesoft-897","timestamp":"2026-10-02T00:22:19.889Z","page":"/signup","properties":{"plan":"free","country":"US","browser":"Chrome","device":"desktop"}},{"type":"merge","anonymous_id":"anon-3f2a","user_id":"a@b.com","account_id":"x","tenant":"acme","timestamp":"2026-10-02T00:22:20.000Z"}]}"#
        let batch = try FastIngestParser().parse(Array(line.utf8))
        let events = ingestDecode(batch)
        #expect(events.count == 2)
        #expect(events[0] == IngestDecodedEvent(
            eventType: "signup", user: "patricia.taylor4225@bluesoft-897.com", account: "bluesoft-897", page: "/signup",
            timestampMs: 1_790_900_539_889,
            properties: ["plan": .string("free"), "country": .string("US"), "browser": .string("Chrome"), "device": .string("desktop")]))
        #expect(events[1] == IngestDecodedEvent(user: "a@b.com", account: "x", anonymousID: "anon-3f2a", timestampMs: 1_790_900_540_000))
        // Property order is kept.
        #expect(batch.properties(of: batch.events[0]).map { batch.string($0.key)! } == ["plan", "country", "browser", "device"])
    }

    @Test("numbers keep their token text, booleans read true/false, nulls are dropped")
    func propertyValues() throws {
        let batch = try FastIngestParser().parse(Array(#"{"properties":{"a":3,"b":2.5,"c":-1e3,"d":true,"e":false,"f":null,"g":"","h":0.0E-0}}"#.utf8))
        let props = batch.properties(of: batch.events[0]).map { (batch.string($0.key)!, batch.string($0.value)!, Int($0.kind)) }
        #expect(props.map(\.0) == ["a", "b", "c", "d", "e", "g", "h"])
        #expect(props.map(\.1) == ["3", "2.5", "-1e3", "true", "false", "", "0.0E-0"])
        #expect(props.map(\.2) == [CI_VALUE_NUMBER, CI_VALUE_NUMBER, CI_VALUE_NUMBER, CI_VALUE_BOOL, CI_VALUE_BOOL, CI_VALUE_STRING, CI_VALUE_NUMBER].map { Int($0) })
    }

    @Test("empty object is one event with nothing set; null means absent")
    func emptyAndNull() throws {
        let parser = FastIngestParser()
        let empty = try parser.parse(Array("{}".utf8))
        #expect(!empty.isBatch)
        #expect(ingestDecode(empty) == [IngestDecodedEvent()])
        let nulls = try parser.parse(Array(#"{"event":null,"user_email":null,"timestamp":null,"properties":null,"page":null}"#.utf8))
        #expect(ingestDecode(nulls) == [IngestDecodedEvent()])
        #expect(nulls.string(nulls.events[0].event_type) == nil)
        let absent = nulls.events[0].user
        #expect(absent.offset == CI_ABSENT && absent.length == 0)
    }

    @Test("U+FEFF inside strings is content, raw or escaped")
    func byteOrderMarkInsideStrings() throws {
        let batch = try FastIngestParser().parse(Array("{\"event\":\"\u{FEFF}a\\n\u{FEFF}b\\uFEFF\"}".utf8))
        #expect(batch.string(batch.events[0].event_type)?.unicodeScalars.map(\.value) == [0xFEFF, 0x61, 0x0A, 0xFEFF, 0x62, 0xFEFF])
    }

    @Test("escaped keys are matched after unescaping")
    func escapedKeys() throws {
        let batch = try FastIngestParser().parse(Array(#"{"ev\u0065nt":"x","user\u005fid":"u","properties":{"pl\u0061n":"p\u00e9"}}"#.utf8))
        #expect(ingestDecode(batch) == [IngestDecodedEvent(eventType: "x", user: "u", properties: ["plan": .string("pé")])])
    }

    @Test("the raw-buffer entry point, including an empty buffer")
    func rawBuffer() throws {
        let parser = FastIngestParser()
        var error: IngestParseError?
        do throws(IngestParseError) {
            _ = try parser.parse(UnsafeRawBufferPointer(start: nil, count: 0))
        } catch let e {
            error = e
        }
        #expect(error?.field == "body")
        let bytes = Array(#"{"event":"a"}"#.utf8)
        let batch = try bytes.withUnsafeBytes { raw throws(IngestParseError) in try parser.parse(raw) }
        #expect(batch.string(batch.events[0].event_type) == "a")
    }

    // MARK: - Hostile input

    @Test("deep nesting is a clean error")
    func deepNesting() {
        let parser = FastIngestParser()
        let open = String(repeating: "[", count: 10_000), close = String(repeating: "]", count: 10_000)
        #expect(ingestError(parser, open)?.field == "body")
        #expect(ingestError(parser, open + close)?.field == "body")
        #expect(ingestError(parser, "{\"tenant\":" + open + close + "}")?.field == "body")
        #expect(ingestError(parser, "{\"tenant\":" + open + "}")?.field == "body")
        #expect(ingestError(parser, "{\"tenant\":" + String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000) + "}")?.field == "body")
        #expect(ingestError(parser, "{\"properties\":{\"x\":" + open + close + "}}")?.field == "properties.x")
        let inEvents = ingestError(parser, "{\"events\":[" + open + close + "]}")
        #expect(inEvents?.field == "events" && inEvents?.index == 0)
        // Moderate nesting in an ignored key is fine.
        #expect(ingestError(parser, "{\"tenant\":" + String(repeating: "[", count: 30) + String(repeating: "]", count: 30) + "}") == nil)
    }

    @Test("a 10 MB string")
    func hugeString() throws {
        let parser = FastIngestParser()
        let big = String(repeating: "a", count: 10 << 20)
        #expect(ingestError(parser, "{\"event\":\"\(big)\"}")?.field == "event_type")
        #expect(ingestError(parser, "{\"event\":\"\(big)\"}")?.message == "longer than 1024 bytes")
        #expect(ingestError(parser, "{\"properties\":{\"k\":\"\(big)\"}}")?.field == "properties.k")
        #expect(ingestError(parser, "{\"properties\":{\"\(big)\":1}}")?.field.hasPrefix("properties.aaaa") == true)
        #expect(ingestError(parser, "{\"event\":\"\(big)")?.field == "body")
        // Ignored keys may be long; the parser still works afterwards.
        let ok = try parser.parse(Array("{\"tenant\":\"\(big)\",\"event\":\"e\"}".utf8))
        #expect(ok.string(ok.events[0].event_type) == "e")
        // Limits are inclusive.
        let limit = String(repeating: "x", count: 1024)
        #expect(ingestError(parser, "{\"user_email\":\"\(limit)\"}") == nil)
        #expect(ingestError(parser, "{\"user_email\":\"\(limit)x\"}")?.field == "user_email")
        #expect(ingestError(parser, "{\"properties\":{\"\(String(repeating: "k", count: 256))\":1}}") == nil)
        #expect(ingestError(parser, "{\"properties\":{\"\(String(repeating: "k", count: 257))\":1}}")?.field.hasPrefix("properties.") == true)
        #expect(ingestError(parser, "{\"properties\":{\"k\":\"\(String(repeating: "v", count: 4096))\"}}") == nil)
        #expect(ingestError(parser, "{\"properties\":{\"k\":\"\(String(repeating: "v", count: 4097))\"}}")?.field == "properties.k")
        // Escapes count once unescaped: 1024 × "\u00e9" is 2048 bytes.
        #expect(ingestError(parser, "{\"event\":\"\(String(repeating: "\\u00e9", count: 512))\"}") == nil)
        #expect(ingestError(parser, "{\"event\":\"\(String(repeating: "\\u00e9", count: 513))\"}")?.field == "event_type")
    }

    @Test("more than 64 properties")
    func tooManyProperties() {
        let parser = FastIngestParser()
        func body(_ n: Int) -> String { "{\"properties\":{" + (0..<n).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}}" }
        #expect(ingestError(parser, body(64)) == nil)
        #expect(ingestError(parser, body(65))?.field == "properties")
    }

    @Test("invalid UTF-8 is rejected")
    func invalidUTF8() {
        let parser = FastIngestParser()
        let bad: [[UInt8]] = [[0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80]]
        for bytes in bad {
            for (prefix, suffix) in [("{\"event\":\"a", "\"}"), ("{\"properties\":{\"k", "\":1}}"), ("{\"tenant\":\"", "\"}"), ("{\"event\":\"a\"", "}")] {
                let body = Array(prefix.utf8) + bytes + Array(suffix.utf8)
                #expect(ingestError(parser, body)?.field == "body", "\(bytes) in \(prefix)")
            }
        }
        // Lone surrogate escapes are not valid text either.
        #expect(ingestError(parser, #"{"event":"\ud83d"}"#)?.field == "body")
        #expect(ingestError(parser, #"{"event":"\ude00x"}"#)?.field == "body")
    }

    @Test("every truncation of a valid batch is rejected as a body error")
    func truncations() throws {
        var generator = IngestEventGenerator(rng: IngestTestRNG(seed: 7))
        let parser = FastIngestParser()
        let body = Array(generator.body(events: (0..<4).map { _ in generator.event() }, batch: true).utf8)
        _ = try parser.parse(body)
        for length in 0..<body.count {
            let error = ingestError(parser, Array(body[0..<length]))
            #expect(error?.field == "body", "prefix of \(length) bytes: \(String(decoding: body[0..<length], as: UTF8.self))")
        }
        let single = Array(#"{"event":"a","properties":{"k":[]}}"#.utf8)
        for length in 0..<single.count {
            #expect(ingestError(parser, Array(single[0..<length])) != nil)
        }
    }

    @Test("malformed JSON anywhere is a body error")
    func malformed() {
        let parser = FastIngestParser()
        for body in [
            " ", "\n\t", "{", "}", "{]", "{\"event\":}", "{\"event\" \"a\"}", "{\"event\":\"a\",}", "{,}", "{\"a\":1,,\"b\":2}",
            "{\"event\":\"a\"}}", "{} {}", "{}x", "{}]", "{\"events\":[{\"event\":\"a\"},]}", "{\"events\":[{\"event\":\"a\"}}",
            "{\"tenant\":[1,2,]}", "{\"tenant\":[1 2]}", "{\"tenant\":{\"a\" 1}}", "{\"tenant\":\"\\x\"}", "{\"tenant\":nul}",
            "{\"tenant\":tru}", "{\"tenant\":01}", "{\"tenant\":1.}", "{\"tenant\":-}", "{\"tenant\":+1}", "{\"tenant\":.5}",
            "{\"tenant\":\"a\":1}", "{\"tenant\":NaN}", "{\"properties\":{\"a\":1x}}", "{\"properties\":{\"a\":\"b\":\"c\"}}",
            "{\"event\":\"a\tb\"}", "{'event':'a'}", "{event:\"a\"}", "\u{FEFF}{}",
        ] {
            #expect(ingestError(parser, body)?.field == "body", "\(body.debugDescription)")
        }
    }

    @Test("the body must be an object")
    func topLevel() {
        let parser = FastIngestParser()
        #expect(ingestError(parser, [])?.field == "body")
        for body in ["[]", "[{\"event\":\"a\"}]", "1", "\"event\"", "null", "true"] {
            let error = ingestError(parser, body)
            #expect(error?.field == "body" && error?.index == nil, "\(body)")
        }
    }

    @Test("the events array")
    func eventsArray() throws {
        let parser = FastIngestParser()
        #expect(ingestError(parser, #"{"events":[]}"#)?.field == "events")
        #expect(ingestError(parser, #"{"events":{}}"#)?.field == "events")
        #expect(ingestError(parser, #"{"events":null}"#)?.field == "events")
        let notObject = ingestError(parser, #"{"events":[{},{},"x"]}"#)
        #expect(notObject?.field == "events" && notObject?.index == 2)
        #expect(ingestError(parser, #"{"events":[{}],"events":[{}]}"#)?.field == "events")
        #expect(ingestError(parser, #"{"events":[{}],"event":"a"}"#)?.field == "body")
        #expect(ingestError(parser, #"{"event":"a","events":[{}]}"#)?.field == "body")
        // Other keys next to "events" are ignored.
        let batch = try parser.parse(Array(#"{"sent_at":"now","events":[{"event":"a"}],"meta":{"x":[1]}}"#.utf8))
        #expect(batch.isBatch && batch.events.count == 1)
        // "events" inside an event is just an unknown key.
        let nested = try parser.parse(Array(#"{"events":[{"event":"a","events":[1]}]}"#.utf8))
        #expect(nested.events.count == 1)
    }

    @Test("more than maxEvents")
    func tooManyEvents() throws {
        let parser = FastIngestParser()
        func body(_ n: Int) -> [UInt8] { Array(("{\"events\":[" + Array(repeating: "{\"event\":\"e\"}", count: n).joined(separator: ",") + "]}").utf8) }
        #expect(try parser.parse(body(1000)).events.count == 1000)
        #expect(ingestError(parser, body(1001))?.field == "events")
        #expect(try parser.parse(body(3), maxEvents: 3).events.count == 3)
        #expect(ingestError(parser, body(4), maxEvents: 3)?.field == "events")
    }

    @Test("duplicate keys")
    func duplicates() {
        let parser = FastIngestParser()
        let cases: [(String, String)] = [
            (#"{"event":"a","event_type":"b"}"#, "event_type"),
            (#"{"event":"a","event":"a"}"#, "event_type"),
            (#"{"event":null,"event":"a"}"#, "event_type"),
            (#"{"user_id":"a","user_email":"b"}"#, "user_email"),
            (#"{"page":"a","page_url":"b"}"#, "page_url"),
            (#"{"account_id":"a","account_id":"b"}"#, "account_id"),
            (#"{"external_id":"a","external_id":"b"}"#, "external_id"),
            (#"{"anonymous_id":"a","anonymous_id":"b"}"#, "anonymous_id"),
            (#"{"timestamp":1,"timestamp":"2026-01-01"}"#, "timestamp"),
            (#"{"properties":{},"properties":{}}"#, "properties"),
            (#"{"ev\u0065nt":"a","event":"b"}"#, "event_type"),
            (#"{"properties":{"plan":"a","plan":"b"}}"#, "properties.plan"),
            (#"{"properties":{"plan":"a","pl\u0061n":1}}"#, "properties.plan"),
            (#"{"properties":{"plan":null,"plan":true}}"#, "properties.plan"),
        ]
        for (body, field) in cases {
            let error = ingestError(parser, body)
            #expect(error?.field == field, "\(body)")
            #expect(error?.message == "duplicate key", "\(body)")
            #expect(error?.index == nil, "\(body)")  // single-event body: no batch position
        }
        let inBatch = ingestError(parser, #"{"events":[{},{"event":"a"},{"user_id":"a","user_id":"b"}]}"#)
        #expect(inBatch == IngestParseError(index: 2, field: "user_email", message: "duplicate key"))
        // Unknown keys may repeat.
        #expect(ingestError(parser, #"{"tenant":"a","tenant":"b"}"#) == nil)
    }

    @Test("wrong types name the field")
    func wrongTypes() {
        let parser = FastIngestParser()
        let stringFields = [("event", "event_type"), ("event_type", "event_type"), ("user_id", "user_email"), ("user_email", "user_email"),
                            ("account_id", "account_id"), ("page", "page_url"), ("page_url", "page_url"),
                            ("external_id", "external_id"), ("anonymous_id", "anonymous_id")]
        for (key, field) in stringFields {
            for value in ["1", "1.5", "true", "false", "[]", "{}", "[\"a\"]", "{\"a\":\"b\"}"] {
                let error = ingestError(parser, "{\"events\":[{},{},{},{\"\(key)\":\(value)}]}")
                #expect(error == IngestParseError(index: 3, field: field, message: "must be a string"), "\(key): \(value)")
            }
        }
        // A single-event body has no batch position.
        #expect(ingestError(parser, #"{"event_type":"login","user_email":5}"#) == IngestParseError(index: nil, field: "user_email", message: "must be a string"))
        for value in ["true", "[]", "{}", "1.5", "1e3", "\"yesterday\"", "\"2026-02-30\"", "\"2026-10-02T25:00:00Z\"", "\"\"", "99999999999999999999"] {
            let error = ingestError(parser, "{\"timestamp\":\(value)}")
            #expect(error?.field == "timestamp" && error?.index == nil, "timestamp: \(value)")
        }
        for value in ["1", "\"x\"", "[]", "true", "[{\"a\":1}]"] {
            #expect(ingestError(parser, "{\"properties\":\(value)}")?.field == "properties", "properties: \(value)")
        }
        for value in ["{}", "[]", "[1]", "{\"a\":1}"] {
            let error = ingestError(parser, "{\"properties\":{\"ok\":1,\"nested\":\(value)}}")
            #expect(error?.field == "properties.nested" && error?.message == "must be a string, number, boolean or null", "\(value)")
        }
    }

    @Test("random garbage never crashes and accepted bodies are valid JSON")
    func randomMutations() throws {
        var generator = IngestEventGenerator(rng: IngestTestRNG(seed: 99))
        let parser = FastIngestParser()
        let alphabet = Array("{}[]:,\"\\ 0123456789-+.eEtrufalsn".utf8) + [0xFF, 0xC3, 0x00]
        for _ in 0..<300 {
            var body = Array(generator.body(events: (0..<generator.rng.int(1...3)).map { _ in generator.event() }, batch: generator.rng.chance(0.5)).utf8)
            for _ in 0..<generator.rng.int(1...4) where !body.isEmpty {
                let at = generator.rng.int(0...(body.count - 1))
                switch generator.rng.int(0...2) {
                case 0: body[at] = generator.rng.pick(alphabet)
                case 1: body.remove(at: at)
                default: body.insert(generator.rng.pick(alphabet), at: at)
                }
            }
            do {
                _ = try parser.parse(body)
                // Accepted: Foundation must agree that it is JSON.
                #expect((try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) != nil,
                        "\(String(decoding: body, as: UTF8.self))")
            } catch {
                #expect(!error.field.isEmpty && !error.message.isEmpty)
            }
        }
    }

    // MARK: - ISO-8601

    @Test("ISO-8601 matches ISO8601DateFormatter for random instants 1970-2100")
    func iso8601Differential() throws {
        var rng = IngestTestRNG(seed: 2026)
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate]
        dateOnly.timeZone = TimeZone(identifier: "UTC")!
        for _ in 0..<3000 {
            let seconds = Int64(rng.int(0...4_102_444_799))
            let millis = Int64(rng.int(0...999))
            let date = Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(millis) / 1000)
            let formatter: ISO8601DateFormatter
            switch rng.int(0...2) {
            case 0: formatter = withFraction
            case 1: formatter = plain
            default: formatter = dateOnly
            }
            if formatter !== dateOnly {
                let offset = rng.chance(0.5) ? 0 : rng.int(-56...56) * 15 * 60
                formatter.timeZone = TimeZone(secondsFromGMT: offset)!
            }
            let text = formatter.string(from: date)
            guard let reference = formatter.date(from: text) else {
                Issue.record("Foundation cannot read its own \(text)")
                continue
            }
            let expected = Int64((reference.timeIntervalSince1970 * 1000).rounded())
            #expect(ISO8601Timestamp.parseMilliseconds(text) == expected, "\(text)")
        }
    }

    @Test("ISO-8601 forms and edge cases")
    func iso8601Forms() {
        let p = ISO8601Timestamp.parseMilliseconds
        #expect(p("1970-01-01") == 0)
        #expect(p("1970-01-01T00:00:00Z") == 0)
        #expect(p("1969-12-31T23:59:59.999Z") == -1)
        #expect(p("2026-10-02T13:45:12.345Z") == 1_790_948_712_345)
        #expect(p("2026-10-02T13:45:12.345") == 1_790_948_712_345)  // no zone: UTC
        #expect(p("2026-10-02 13:45:12.345z") == 1_790_948_712_345)
        #expect(p("2026-10-02T15:45:12.345+02:00") == 1_790_948_712_345)
        #expect(p("2026-10-02T15:45:12.345+0200") == 1_790_948_712_345)
        #expect(p("2026-10-02T11:15:12.345-02:30") == 1_790_948_712_345)
        #expect(p("2026-10-02T13:45:12.3Z") == 1_790_948_712_300)
        #expect(p("2026-10-02T13:45:12.34Z") == 1_790_948_712_340)
        #expect(p("2026-10-02T13:45:12.345999999Z") == 1_790_948_712_345)  // truncated, not rounded
        #expect(p("2024-02-29T00:00:00Z") == 1_709_164_800_000)
        #expect(p("2000-02-29") == 951_782_400_000)
        #expect(p("2100-12-31T23:59:59Z") == 4_133_980_799_000)
        #expect(p("2016-12-31T23:59:60Z") == 1_483_228_800_000)  // leap second rolls over
        #expect(p("2026-10-02T13:45:12.345z") == 1_790_948_712_345)
        #expect(p("2026-10-02t13:45:12.000Z") == 1_790_948_712_000)
        for bad in [
            "", "2026", "2026-10", "2026-1-02", "2026-10-2", "26-10-02", "2026/10/02", "2026-00-10", "2026-13-01",
            "2026-10-00", "2026-10-32", "2026-02-29", "1900-02-29", "2026-04-31", "2026-10-02T", "2026-10-02T13",
            "2026-10-02T13:45", "2026-10-02T24:00:00Z", "2026-10-02T13:60:00Z", "2026-10-02T13:45:61Z",
            "2026-10-02T13:45:12.Z", "2026-10-02T13:45:12.1234567890Z", "2026-10-02T13:45:12+25:00",
            "2026-10-02T13:45:12+02:60", "2026-10-02T13:45:12+2:00", "2026-10-02T13:45:12+02", "2026-10-02T13:45:12ZZ",
            "2026-10-02T13:45:12Z ", " 2026-10-02", "2026-10-02x", "2026-10-02X13:45:12Z", "２０２６-10-02",
            "2026-10-02T13:45:12.345+02:00:00", "+2026-10-02", "2026-10-02T13:4a:12Z",
            // The 24-character form has its own fast path.
            "2026-10-02T13:45:1a.345Z", "2026-02-30T00:00:00.000Z", "2026-10-02T24:00:00.000Z", "2026-13-02T00:00:00.000Z",
            "2026-10-02T13:45:12.34aZ", "2026-10-02T13:45:12,345Z", "2026-10-02T13:45:12.345+",
        ] {
            #expect(p(bad) == nil, "\(bad.debugDescription)")
        }
    }
}
