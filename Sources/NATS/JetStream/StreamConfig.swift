/// Where a stream keeps its messages.
public enum StreamStorage: String, Codable, Sendable {
    case file, memory
}

/// What happens when a stream reaches a limit: drop the oldest messages, or refuse new ones.
public enum DiscardPolicy: String, Codable, Sendable {
    case old, new
}

/// A stream's configuration as the JetStream API spells it (snake_case on the wire).
/// Only the fields Beacon sets; the server fills in defaults for the rest.
public struct StreamConfig: Codable, Sendable, Equatable {
    public var name: String
    public var subjects: [String]
    public var retention: String = "limits"
    public var maxConsumers: Int = -1
    public var maxMsgs: Int64 = -1
    public var maxBytes: Int64 = -1
    /// Nanoseconds; 0 keeps messages forever.
    public var maxAge: Int64 = 0
    public var maxMsgsPerSubject: Int64 = -1
    public var maxMsgSize: Int32 = -1
    public var storage: StreamStorage = .file
    public var discard: DiscardPolicy = .old
    public var numReplicas: Int = 1
    /// Nanoseconds during which a repeated Nats-Msg-Id is recognised as a duplicate.
    public var duplicateWindow: Int64?
    public var allowRollupHdrs: Bool?
    public var denyDelete: Bool?
    public var allowDirect: Bool?

    public init(name: String, subjects: [String], replicas: Int = 1, storage: StreamStorage = .file) {
        self.name = name
        self.subjects = subjects
        self.numReplicas = replicas
        self.storage = storage
    }
}

/// `$JS.API.STREAM.INFO` and the create reply.
public struct StreamInfo: Decodable, Sendable {
    public var config: StreamConfig
    public var state: StreamState
    public var cluster: ClusterInfo?
}

public struct StreamState: Decodable, Sendable, Equatable {
    public var messages: UInt64
    public var bytes: UInt64
    /// 0 with first_seq = last_seq + 1 patterns after purges: read both together.
    public var firstSeq: UInt64
    public var lastSeq: UInt64
    public var numSubjects: UInt64?
    public var consumerCount: Int?
}

/// Which server leads a replicated stream and how its replicas keep up.
public struct ClusterInfo: Decodable, Sendable {
    public var name: String?
    public var leader: String?
    public var replicas: [PeerInfo]?

    public struct PeerInfo: Decodable, Sendable {
        public var name: String
        public var current: Bool
        public var offline: Bool?
    }
}
