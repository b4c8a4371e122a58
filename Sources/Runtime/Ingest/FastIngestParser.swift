import CIngest

/// A rejected ingest body. `index` is the position of the offending event in a batch (0 for a
/// single-event body), nil when the problem is not inside an event (e.g. malformed JSON).
/// `field` is "body", "events", a canonical event field name ("event_type", "user_email",
/// "account_id", "page_url", "external_id", "anonymous_id", "timestamp", "properties") or
/// "properties.KEY".
public struct IngestParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var index: Int?
    public var field: String
    public var message: String

    public init(index: Int?, field: String, message: String) {
        self.index = index
        self.field = field
        self.message = message
    }

    public var description: String {
        if let index { return "event \(index): \(field): \(message)" }
        return "\(field): \(message)"
    }
}

/// The events of one ingest body, copied out of the parser. Strings are spans into `arena`
/// (validated, unescaped UTF-8).
public struct ParsedBatch: Sendable {
    public var isBatch: Bool
    public var events: [ci_event]
    public var properties: [ci_property]
    public var arena: [UInt8]

    public init(isBatch: Bool, events: [ci_event], properties: [ci_property], arena: [UInt8]) {
        self.isBatch = isBatch
        self.events = events
        self.properties = properties
        self.arena = arena
    }

    /// The text of a span, nil when the field was absent (or JSON null).
    public func string(_ span: ci_span) -> String? {
        if span.offset == CI_ABSENT { return nil }
        let start = Int(span.offset)
        let end = start + Int(span.length)
        guard end <= arena.count else { return nil }
        return arena.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
        }
    }

    /// The properties of one event, in body order (null-valued properties are dropped).
    public func properties(of event: ci_event) -> ArraySlice<ci_property> {
        let start = Int(event.properties_begin)
        return properties[start..<(start + Int(event.properties_count))]
    }
}

/// simdjson-backed ingest body parser (see CIngest.h for the accepted format).
/// Not thread-safe: use one per thread/task; reusable across calls.
public final class FastIngestParser {
    private let parser: OpaquePointer

    public init() {
        guard let parser = ci_parser_create() else { fatalError("ci_parser_create: out of memory") }
        self.parser = parser
    }

    deinit {
        ci_parser_destroy(parser)
    }

    public func parse(_ body: UnsafeRawBufferPointer, maxEvents: Int = 1000) throws(IngestParseError) -> ParsedBatch {
        let base = body.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let result = ci_parse(parser, base, body.count, maxEvents < 0 ? 0 : maxEvents)
        guard result.ok != 0 else {
            throw IngestParseError(
                index: result.error_index < 0 ? nil : Int(result.error_index),
                field: result.error_field.map { String(cString: $0) } ?? "body",
                message: result.error_message.map { String(cString: $0) } ?? "invalid body")
        }
        return ParsedBatch(
            isBatch: result.is_batch != 0,
            events: Self.copy(result.events, result.event_count),
            properties: Self.copy(result.properties, result.property_count),
            arena: Self.copy(result.arena, result.arena_size))
    }

    public func parse(_ body: [UInt8], maxEvents: Int = 1000) throws(IngestParseError) -> ParsedBatch {
        let outcome: Result<ParsedBatch, IngestParseError> = body.withUnsafeBytes { raw in
            do throws(IngestParseError) {
                return .success(try parse(raw, maxEvents: maxEvents))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// One bulk copy of a C array into a Swift array.
    private static func copy<T>(_ pointer: UnsafePointer<T>?, _ count: Int) -> [T] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }
}

public enum ISO8601Timestamp {
    /// Epoch milliseconds of an ISO-8601 timestamp ("2026-10-02T13:45:12.345Z", "...+02:00",
    /// "2026-10-02"), nil when malformed. Fractions beyond milliseconds are truncated.
    public static func parseMilliseconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { utf8 -> Int64? in
            var ms: Int64 = 0
            let ok = utf8.withMemoryRebound(to: CChar.self) { chars in
                ci_parse_iso8601(chars.baseAddress, chars.count, &ms)
            }
            return ok != 0 ? ms : nil
        }
    }
}
