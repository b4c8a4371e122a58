/// One event given as strings: the slow, simple path (tests, JSONDecoder bodies, replays).
public struct EventInput: Sendable, Equatable {
    public var eventType: String
    public var user: String?
    public var account: String?
    public var page: String?
    public var timestampMs: Int64?
    public var properties: [Property]

    public struct Property: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) { self.key = key; self.value = value }
    }

    public init(eventType: String, user: String?, account: String? = nil, page: String? = nil,
                timestampMs: Int64?, properties: [Property] = []) {
        self.eventType = eventType; self.user = user; self.account = account; self.page = page
        self.timestampMs = timestampMs; self.properties = properties
    }

    /// The bytes of its strings: what interning it can add at most.
    public var byteCount: Int {
        eventType.utf8.count + (user?.utf8.count ?? 0) + (account?.utf8.count ?? 0) + (page?.utf8.count ?? 0)
            + properties.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
    }
}

/// Why a body or batch was refused: the event's index (nil for the whole body) and the field.
public struct IngestValidationError: Error, Sendable, Equatable {
    public var index: Int?
    public var field: String
    public var message: String
    public init(index: Int?, field: String, message: String) { self.index = index; self.field = field; self.message = message }
}

/// What an accepted ingest did.
public struct IngestReceipt: Sendable, Equatable {
    public var accepted: Int
    /// The anonymous id given to events that came without a user, if any did.
    public var anonymousID: String?

    public init(accepted: Int, anonymousID: String?) { self.accepted = accepted; self.anonymousID = anonymousID }
}

/// Limits every ingest path enforces alike.
public enum IngestLimits {
    public static let maxBatchEvents = 1000
    public static let maxFieldBytes = 1024
    /// Events may be at most this far ahead of the server's clock.
    public static let maxFutureMs: Int64 = 24 * 3_600_000
    /// Times the calendar computes without overflow (about ±142,000 years); checked on every
    /// path, replay included, since it guards arithmetic rather than policy.
    public static let computableTimestampsMs: ClosedRange<Int64> = -(1 << 52)...(1 << 52)
}
