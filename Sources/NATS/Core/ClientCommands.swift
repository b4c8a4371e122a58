import Foundation
import NIOCore

/// Writers for what the client sends: CONNECT, PING/PONG, PUB/HPUB, SUB, UNSUB.
enum ClientCommands {
    struct ConnectOptions: Encodable {
        var verbose = false
        var pedantic = false
        var tlsRequired = false
        var name: String?
        var lang = "swift"
        var version = "0.1.0"
        // Protocol 1 lets the server send INFO updates and is needed for no_responders.
        var `protocol` = 1
        var headers = true
        var noResponders = true

        enum CodingKeys: String, CodingKey {
            case verbose, pedantic, name, lang, version, headers
            case tlsRequired = "tls_required"
            case `protocol`
            case noResponders = "no_responders"
        }
    }

    static func connect(_ options: ConnectOptions, into buffer: inout ByteBuffer) throws {
        let json = try JSONEncoder().encode(options)
        buffer.writeString("CONNECT ")
        buffer.writeBytes(json)
        buffer.writeString("\r\n")
    }

    static func ping(into buffer: inout ByteBuffer) { buffer.writeString("PING\r\n") }
    static func pong(into buffer: inout ByteBuffer) { buffer.writeString("PONG\r\n") }

    /// PUB when there are no headers, HPUB otherwise.
    static func publish(
        subject: String, reply: String?, headerBlock: [UInt8]?, payload: [UInt8], into buffer: inout ByteBuffer
    ) {
        let replyPart = reply.map { " " + $0 } ?? ""
        if let headerBlock {
            buffer.writeString("HPUB \(subject)\(replyPart) \(headerBlock.count) \(headerBlock.count + payload.count)\r\n")
            buffer.writeBytes(headerBlock)
        } else {
            buffer.writeString("PUB \(subject)\(replyPart) \(payload.count)\r\n")
        }
        buffer.writeBytes(payload)
        buffer.writeString("\r\n")
    }

    static func subscribe(subject: String, queue: String?, sid: UInt64, into buffer: inout ByteBuffer) {
        let queuePart = queue.map { " " + $0 } ?? ""
        buffer.writeString("SUB \(subject)\(queuePart) \(sid)\r\n")
    }

    static func unsubscribe(sid: UInt64, into buffer: inout ByteBuffer) {
        buffer.writeString("UNSUB \(sid)\r\n")
    }
}

/// Subject rules the server enforces, checked before sending so a bad subject fails the call
/// instead of drawing a -ERR that closes the connection.
enum SubjectRules {
    static func validate(_ subject: String, wildcardsAllowed: Bool) throws {
        guard !subject.isEmpty,
              !subject.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }),
              !subject.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty)
        else { throw NATSError.invalidSubject(subject) }
        if !wildcardsAllowed {
            let tokens = subject.split(separator: ".")
            if tokens.contains(where: { $0 == "*" || $0 == ">" }) { throw NATSError.invalidSubject(subject) }
        }
    }
}
