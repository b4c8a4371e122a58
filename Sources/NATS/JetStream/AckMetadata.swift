/// What a JetStream delivery's reply subject says about the message. nats-server 2.9 writes
/// `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<timestamp ns>.<pending>`
/// (9 tokens); later servers may add domain and account hash after `ACK` and a random token at
/// the end (12 tokens), which is read too.
struct AckMetadata: Sendable, Equatable {
    var stream: String
    var consumer: String
    var delivered: UInt64
    var streamSequence: UInt64
    var consumerSequence: UInt64
    var timestamp: Int64
    /// Messages still waiting for this consumer after this one.
    var pending: UInt64

    init?(replySubject: String) {
        // Split on UTF-8 bytes: this runs once per replayed message.
        let tokens = replySubject.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            .map { Substring($0) }
        guard tokens.count >= 9, tokens[0] == "$JS", tokens[1] == "ACK" else { return nil }
        let base: Int
        switch tokens.count {
        case 9: base = 2
        case 11, 12: base = 4
        default: return nil
        }
        guard let delivered = UInt64(tokens[base + 2]),
              let streamSequence = UInt64(tokens[base + 3]),
              let consumerSequence = UInt64(tokens[base + 4]),
              let timestamp = Int64(tokens[base + 5]),
              let pending = UInt64(tokens[base + 6])
        else { return nil }
        self.stream = String(tokens[base])
        self.consumer = String(tokens[base + 1])
        self.delivered = delivered
        self.streamSequence = streamSequence
        self.consumerSequence = consumerSequence
        self.timestamp = timestamp
        self.pending = pending
    }
}
