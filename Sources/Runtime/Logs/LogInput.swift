/// One log record as a client sent it, checked at the edge: the form the WAL keeps and replays.
public struct LogInput: Sendable, Equatable {
    /// Epoch milliseconds; nil takes the server's clock when applied.
    public var timestampMs: Int64?
    public var service: String?
    public var level: LogLevel
    public var source: String?
    public var message: String
    /// Scalar values kept as text, in the order sent.
    public var attributes: [Attribute]

    public struct Attribute: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) { self.key = key; self.value = value }
    }

    public init(timestampMs: Int64?, service: String? = nil, level: LogLevel = .info, source: String? = nil, message: String,
                attributes: [Attribute] = []) {
        self.timestampMs = timestampMs; self.service = service; self.level = level; self.source = source
        self.message = message; self.attributes = attributes
    }

    /// The bytes of its strings: what storing it can add at most.
    public var byteCount: Int {
        message.utf8.count + (service?.utf8.count ?? 0) + (source?.utf8.count ?? 0)
            + attributes.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
    }
}

/// Limits every log write enforces (docs/metrics-api.md, Logs).
public enum LogLimits {
    public static let maxBatchRecords = 1000
    public static let maxMessageBytes = 8192
    /// `service` and `source`, as other short names.
    public static let maxNameBytes = IngestLimits.maxFieldBytes
    public static let maxAttributes = 64
    public static let maxAttributeKeyBytes = 128
    public static let maxAttributeValueBytes = IngestLimits.maxFieldBytes
}
