import CIngest

/// An SDK body whose messages the simdjson translator took (see `ci_sdk_translate`): the events
/// in the native parser's form, each with the hash of its message id (as `MessageIDs` keeps it).
public struct SDKTranslatedBatch: Sendable {
    public var dialect: Int32
    public var batch: ParsedBatch
    /// Each event's message id as `MessageIDs.hash` makes it, 0 when it has none.
    public var messageHashes: [UInt64]
    /// The key the body carries (Segment's writeKey, PostHog's api_key), when it carries one.
    public var key: String?
}

/// The fast path of the SDK routes for their common messages (Segment track, page and screen
/// calls; PostHog events that set nothing): straight into the native batch, as the native route's
/// parser does, instead of through a JSON tree. Not thread-safe: one per task, reusable.
public final class SDKTranslator: @unchecked Sendable {
    private let parser: OpaquePointer

    public init() {
        guard let parser = ci_sdk_parser_create() else { fatalError("ci_sdk_parser_create: out of memory") }
        self.parser = parser
    }

    deinit { ci_sdk_parser_destroy(parser) }

    /// The dialect code of a route, nil for routes the translator does not read.
    public static func dialect(ofPath path: String) -> Int32? {
        switch path {
        case "/v1/batch": Int32(CI_SDK_SEGMENT_BATCH)
        case "/v1/track": Int32(CI_SDK_SEGMENT_TRACK)
        case "/v1/page": Int32(CI_SDK_SEGMENT_PAGE)
        case "/v1/screen": Int32(CI_SDK_SEGMENT_SCREEN)
        case "/batch", "/capture", "/e", "/i/v0/e": Int32(CI_SDK_POSTHOG)
        default: nil
        }
    }

    /// The translated batch, or nil when the body needs the general path.
    public func translate(_ body: UnsafeRawBufferPointer, dialect: Int32, maxEvents: Int = IngestLimits.maxBatchEvents) -> SDKTranslatedBatch? {
        let result = ci_sdk_translate(parser, dialect, body.baseAddress?.assumingMemoryBound(to: UInt8.self), body.count, maxEvents)
        guard result.taken != 0 else { return nil }
        let arena = result.arena.map { Array(UnsafeBufferPointer(start: $0, count: result.arena_size)) } ?? []
        let batch = ParsedBatch(
            isBatch: true,
            events: result.events.map { Array(UnsafeBufferPointer(start: $0, count: result.event_count)) } ?? [],
            properties: result.properties.map { Array(UnsafeBufferPointer(start: $0, count: result.property_count)) } ?? [],
            arena: arena)
        let hashes = result.message_hashes.map { Array(UnsafeBufferPointer(start: $0, count: result.event_count)) } ?? []
        return SDKTranslatedBatch(dialect: dialect, batch: batch, messageHashes: hashes, key: batch.string(result.key))
    }

    public func translate(_ body: [UInt8], dialect: Int32) -> SDKTranslatedBatch? {
        body.withUnsafeBytes { translate($0, dialect: dialect) }
    }
}

extension TenantState {
    /// Whether none of the ids was seen in the last 24 hours, nor twice in the batch: then the
    /// fast path takes the batch whole.
    public func noneSeen(_ hashes: [UInt64]) -> Bool {
        var inBatch = Set<UInt64>(minimumCapacity: hashes.count)
        for hash in hashes where hash != 0 {
            if messageIDs.contains(hash: hash) || !inBatch.insert(hash).inserted { return false }
        }
        return true
    }

    /// Applies a translated batch that `validate` accepted: its message ids, then its events.
    public mutating func applyValidated(_ translated: SDKTranslatedBatch, nowMs: Int64) {
        for hash in translated.messageHashes where hash != 0 { messageIDs.insert(hash: hash, atMs: nowMs) }
        _ = applyValidated(translated.batch, nowMs: nowMs, anonymousID: nil)
    }
}
