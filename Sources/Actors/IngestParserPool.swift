import Runtime
import Synchronization

/// Reusable ingest parsers, so a request does not allocate simdjson's buffers anew. Parsing runs
/// on the request's task, outside the tenant actor, so parsing and applying overlap across cores.
public final class IngestParserPool: Sendable {
    private let idle = Mutex<[FastIngestParser]>([])

    public init() {}

    public func parse(_ body: UnsafeRawBufferPointer, maxEvents: Int = IngestLimits.maxBatchEvents) throws(IngestParseError) -> ParsedBatch {
        let parser = idle.withLock { $0.popLast() } ?? FastIngestParser()
        defer { idle.withLock { if $0.count < 16 { $0.append(parser) } } }
        return try parser.parse(body, maxEvents: maxEvents)
    }
}

extension FastIngestParser: @unchecked Sendable {}
