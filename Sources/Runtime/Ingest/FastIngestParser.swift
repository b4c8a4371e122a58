// Placeholder until the simdjson-backed parser lands (same API).
import CIngest

public struct IngestParseError: Error, Sendable, Equatable { public var index: Int?; public var field: String; public var message: String }
public struct ParsedBatch: Sendable {
    public var isBatch: Bool
    public var events: [ci_event]
    public var properties: [ci_property]
    public var arena: [UInt8]
    public func string(_ span: ci_span) -> String? { nil }
    public func properties(of event: ci_event) -> ArraySlice<ci_property> { properties[...] }
}
extension ci_span: @retroactive @unchecked Sendable {}
extension ci_event: @retroactive @unchecked Sendable {}
extension ci_property: @retroactive @unchecked Sendable {}
public final class FastIngestParser {
    public init() {}
    public func parse(_ body: UnsafeRawBufferPointer, maxEvents: Int = 1000) throws(IngestParseError) -> ParsedBatch {
        throw IngestParseError(index: nil, field: "body", message: "unavailable")
    }
}
public enum ISO8601Timestamp { public static func parseMilliseconds(_ text: String) -> Int64? { nil } }
