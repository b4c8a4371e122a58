import Testing
@testable import NATS

/// The parser on byte streams as the server writes them, cut at every position.
@Suite struct ProtocolParserTests {
    static let info = #"INFO {"server_id":"S1","server_name":"n1","version":"2.9.10","proto":1,"max_payload":1048576,"headers":true,"jetstream":true} "#

    /// One of each thing the server sends, as the server spells it (note the two spaces where a
    /// MSG has no reply subject).
    static func sampleStream() -> (bytes: [UInt8], expected: [ServerOperation]) {
        let headerBlock = "NATS/1.0\r\nNats-Msg-Id: a\r\nX-Two: 1\r\nx-two: 2\r\n\r\n"
        let statusBlock = "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 8\r\n\r\n"
        let noResponders = "NATS/1.0 503\r\n\r\n"
        let text = Self.info + "\r\n"
            + "+OK\r\n"
            + "PING\r\n"
            + "PONG\r\n"
            + "MSG a.b 1  5\r\nhello\r\n"
            + "MSG a.b 2 _INBOX.x.1 0\r\n\r\n"
            + "HMSG t.a 3 $JS.ACK.T.C.1.2.1.1796685227624690498.1 \(headerBlock.utf8.count) \(headerBlock.utf8.count + 2)\r\n\(headerBlock)hi\r\n"
            + "HMSG _INBOX.r 4  \(statusBlock.utf8.count) \(statusBlock.utf8.count)\r\n\(statusBlock)\r\n"
            + "HMSG _INBOX.r.7 5  \(noResponders.utf8.count) \(noResponders.utf8.count)\r\n\(noResponders)\r\n"
            + "MSG with.crlf.inside 6 6\r\na\r\nb\r\n\r\n"
            + "-ERR 'Permissions Violation for Publish to \"x\"'\r\n"
        let expected: [ServerOperation] = [
            .info(NATSServerInfo(serverID: "S1", serverName: "n1", version: "2.9.10", proto: 1, maxPayload: 1_048_576, headers: true, jetstream: true)),
            .ok, .ping, .pong,
            .message(sid: 1, NATSMessage(subject: "a.b", payload: Array("hello".utf8))),
            .message(sid: 2, NATSMessage(subject: "a.b", reply: "_INBOX.x.1", payload: [])),
            .message(sid: 3, NATSMessage(
                subject: "t.a", reply: "$JS.ACK.T.C.1.2.1.1796685227624690498.1",
                headers: ["Nats-Msg-Id": "a", "X-Two": "1", "x-two": "2"], payload: Array("hi".utf8))),
            .message(sid: 4, NATSMessage(
                subject: "_INBOX.r", headers: ["Nats-Pending-Messages": "8"], status: 408,
                statusDescription: "Request Timeout", payload: [])),
            .message(sid: 5, NATSMessage(subject: "_INBOX.r.7", status: 503, payload: [])),
            .message(sid: 6, NATSMessage(subject: "with.crlf.inside", payload: Array("a\r\nb\r\n".utf8))),
            .error("Permissions Violation for Publish to \"x\""),
        ]
        return (Array(text.utf8), expected)
    }

    static func parseAll(_ pieces: [ArraySlice<UInt8>]) throws -> [ServerOperation] {
        var parser = ProtocolParser()
        var operations: [ServerOperation] = []
        for piece in pieces {
            parser.append(piece)
            while let operation = try parser.next() { operations.append(operation) }
        }
        return operations
    }

    @Test func wholeStream() throws {
        let (bytes, expected) = Self.sampleStream()
        #expect(try Self.parseAll([bytes[...]]) == expected)
    }

    @Test func streamCutAtEveryPosition() throws {
        let (bytes, expected) = Self.sampleStream()
        for cut in 0...bytes.count {
            let operations = try Self.parseAll([bytes[..<cut], bytes[cut...]])
            #expect(operations == expected, "cut at \(cut)")
        }
    }

    @Test func streamCutAtEveryPairOfPositions() throws {
        let (bytes, expected) = Self.sampleStream()
        for first in stride(from: 0, through: bytes.count, by: 3) {
            for second in first...bytes.count {
                let operations = try Self.parseAll([bytes[..<first], bytes[first..<second], bytes[second...]])
                guard operations == expected else {
                    Issue.record("cuts at \(first) and \(second)")
                    return
                }
            }
        }
    }

    @Test func streamFedByteByByte() throws {
        let (bytes, expected) = Self.sampleStream()
        #expect(try Self.parseAll(bytes.indices.map { bytes[$0...$0] }) == expected)
    }

    @Test func megabytePayloadsInTCPSizedReads() throws {
        var generator = SystemRandomNumberGenerator()
        let payloads = [3 * 1024 * 1024, 1, 700_001].map { size in (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        var bytes: [UInt8] = []
        for (index, payload) in payloads.enumerated() {
            bytes += Array("MSG big.\(index) \(index) reply.\(index) \(payload.count)\r\n".utf8) + payload + [13, 10]
        }
        var pieces: [ArraySlice<UInt8>] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + Int.random(in: 1...65536, using: &generator))
            pieces.append(bytes[offset..<end])
            offset = end
        }
        let operations = try Self.parseAll(pieces)
        #expect(operations.count == 3)
        for (index, operation) in operations.enumerated() {
            guard case .message(let sid, let message) = operation else {
                Issue.record("expected a message, got \(operation)")
                continue
            }
            #expect(sid == UInt64(index))
            #expect(message.reply == "reply.\(index)")
            #expect(message.payload == payloads[index])
        }
    }

    @Test func garbageIsAProtocolViolation() {
        for bad in ["HELLO\r\n", "MSG a.b x 5\r\nhello\r\n", "MSG a.b 1 3\r\nabcXY", "HMSG a 1 9 5\r\n"] {
            #expect(throws: NATSError.self, "\(bad.debugDescription)") { _ = try Self.parseAll([Array(bad.utf8)[...]]) }
        }
    }

    @Test func waitsForTheRestOfAFrame() throws {
        var parser = ProtocolParser()
        parser.append(Array("MSG a 1 10\r\n01234".utf8))
        #expect(try parser.next() == nil)
        parser.append(Array("56789\r\nPING\r\n".utf8))
        #expect(try parser.next() == .message(sid: 1, NATSMessage(subject: "a", payload: Array("0123456789".utf8))))
        #expect(try parser.next() == .ping)
        #expect(try parser.next() == nil)
    }
}
