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
        // Parsed on raw UTF-8 bytes: this runs once per replayed message, and generic string
        // splitting is slow in debug builds.
        var subject = replySubject
        guard let parsed = subject.withUTF8({ Self.parse($0) }) else { return nil }
        self = parsed
    }

    private init(stream: String, consumer: String, numbers: [UInt64]) {
        self.stream = stream
        self.consumer = consumer
        delivered = numbers[0]
        streamSequence = numbers[1]
        consumerSequence = numbers[2]
        timestamp = Int64(truncatingIfNeeded: numbers[3])
        pending = numbers[4]
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> AckMetadata? {
        var tokens: [Range<Int>] = []
        tokens.reserveCapacity(12)
        var start = 0
        for index in 0..<bytes.count where bytes[index] == UInt8(ascii: ".") {
            tokens.append(start..<index)
            start = index + 1
        }
        tokens.append(start..<bytes.count)
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        guard tokens.count >= 9, text(tokens[0]) == "$JS", text(tokens[1]) == "ACK" else { return nil }
        let base: Int
        switch tokens.count {
        case 9: base = 2
        case 11, 12: base = 4
        default: return nil
        }
        var numbers: [UInt64] = []
        numbers.reserveCapacity(5)
        for range in tokens[(base + 2)...(base + 6)] {
            guard !range.isEmpty, range.count < 20 else { return nil }
            var value: UInt64 = 0
            for index in range {
                let digit = bytes[index]
                guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
                value = value &* 10 &+ UInt64(digit - UInt8(ascii: "0"))
            }
            numbers.append(value)
        }
        return AckMetadata(stream: text(tokens[base]), consumer: text(tokens[base + 1]), numbers: numbers)
    }
}
