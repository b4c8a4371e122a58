/// Where a replay starts in the stream.
enum ReplayStart: Sendable {
    case sequence(UInt64)
    /// Only the newest message of each subject (KV keys, object store listings).
    case lastPerSubject
}

/// The pull consumer a replay reads through: ephemeral, no acks, in memory, one replica, removed
/// by the server after `inactiveThreshold` if the reader goes away without deleting it.
struct ConsumerConfig: Encodable {
    var deliverPolicy: String
    var optStartSeq: UInt64?
    var ackPolicy = "none"
    var filterSubject: String?
    var replayPolicy = "instant"
    var inactiveThreshold: Int64
    var memStorage = true
    var numReplicas = 1
    var headersOnly: Bool?

    init(start: ReplayStart, filterSubject: String?, headersOnly: Bool, inactiveThreshold: Duration) {
        switch start {
        case .sequence(let sequence):
            deliverPolicy = "by_start_sequence"
            optStartSeq = max(sequence, 1)
        case .lastPerSubject:
            deliverPolicy = "last_per_subject"
        }
        self.filterSubject = filterSubject
        self.headersOnly = headersOnly ? true : nil
        self.inactiveThreshold = inactiveThreshold.nanoseconds
    }
}

struct ConsumerCreateRequest: Encodable {
    var streamName: String
    var config: ConsumerConfig
}

struct ConsumerCreated: Decodable {
    var name: String
    var numPending: UInt64
}

/// The body of `$JS.API.CONSUMER.MSG.NEXT`: take up to `batch` messages that are there now.
struct PullRequest: Encodable {
    var batch: Int
    var noWait = true
}

extension JetStream {
    func createEphemeralConsumer(stream: String, _ config: ConsumerConfig) async throws -> ConsumerCreated {
        try await call("CONSUMER.CREATE.\(stream)", ConsumerCreateRequest(streamName: stream, config: config))
    }

    func deleteConsumer(stream: String, name: String) async throws {
        let _: SuccessResponse = try await call("CONSUMER.DELETE.\(stream).\(name)")
    }
}
