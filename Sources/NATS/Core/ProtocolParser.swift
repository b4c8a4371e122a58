import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the server's byte stream into `ServerOperation`s. Bytes may arrive cut anywhere (inside a
/// control line, a header block or a payload): the parser keeps what it has not yet used and yields
/// an operation only once all of its bytes are there.
struct ProtocolParser {
    /// Longest control line accepted; subjects are short, so more than this means garbage.
    static let maxControlLine = 64 * 1024

    private var buffer: ByteBuffer

    init(allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        buffer = allocator.buffer(capacity: 64 * 1024)
    }

    mutating func append(_ bytes: inout ByteBuffer) {
        if buffer.readableBytes == 0 { buffer.clear() }
        buffer.writeBuffer(&bytes)
    }

    mutating func append(_ bytes: some Sequence<UInt8>) {
        if buffer.readableBytes == 0 { buffer.clear() }
        buffer.writeBytes(bytes)
    }

    /// The next complete operation, or nil if more bytes are needed.
    mutating func next() throws -> ServerOperation? {
        guard let (line, lineLength) = try peekControlLine() else { return nil }
        switch line {
        case .message(let frame):
            // Control line, header block and payload, then CRLF: wait until all of it is here.
            guard buffer.readableBytes >= lineLength + frame.totalSize + 2 else { return nil }
            buffer.moveReaderIndex(forwardBy: lineLength)
            var message = NATSMessage(subject: frame.subject, reply: frame.reply, payload: [])
            if frame.headerSize > 0 {
                let headerBytes = buffer.readBytes(length: frame.headerSize)!
                let parsed = try HeaderBlock.parse(headerBytes)
                message.headers = parsed.headers.isEmpty ? nil : parsed.headers
                message.status = parsed.status
                message.statusDescription = parsed.statusDescription
            }
            message.payload = buffer.readBytes(length: frame.totalSize - frame.headerSize)!
            guard buffer.readInteger(as: UInt16.self) == 0x0D0A else {  // CRLF
                throw NATSError.protocolViolation("payload of \(frame.subject) not followed by CRLF")
            }
            compactIfWorthIt()
            return .message(sid: frame.sid, message)
        case .ping:
            buffer.moveReaderIndex(forwardBy: lineLength)
            return .ping
        case .pong:
            buffer.moveReaderIndex(forwardBy: lineLength)
            return .pong
        case .ok:
            buffer.moveReaderIndex(forwardBy: lineLength)
            return .ok
        case .error(let text):
            buffer.moveReaderIndex(forwardBy: lineLength)
            return .error(text)
        case .info(let json):
            buffer.moveReaderIndex(forwardBy: lineLength)
            do {
                return .info(try JSONDecoder().decode(NATSServerInfo.self, from: Data(json.utf8)))
            } catch {
                throw NATSError.protocolViolation("unreadable INFO: \(error)")
            }
        }
    }

    private enum ControlLine {
        case message(MessageFrame)
        case ping, pong, ok
        case error(String)
        case info(String)
    }

    /// Reads the control line at the front without consuming it, with its length including CRLF.
    /// Kept apart from `next()` so no view of the buffer is alive while `next()` mutates it
    /// (a live view would make every mutation copy the buffer). Works on raw bytes with memchr:
    /// byte-wise Collection access to a ByteBuffer is slow in debug builds, and replays run
    /// hundreds of thousands of lines through here.
    private func peekControlLine() throws -> (ControlLine, Int)? {
        try buffer.withUnsafeReadableBytes { bytes -> (ControlLine, Int)? in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
            guard let found = memchr(base, Int32(UInt8(ascii: "\n")), bytes.count) else {
                if bytes.count > Self.maxControlLine {
                    throw NATSError.protocolViolation("control line longer than \(Self.maxControlLine) bytes")
                }
                return nil
            }
            let newline = base.distance(to: UnsafeRawPointer(found))
            var lineEnd = newline
            if lineEnd > 0, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: bytes[0..<lineEnd])
            return (try Self.controlLine(line), newline + 1)
        }
    }

    private static func controlLine(_ line: UnsafeRawBufferPointer) throws -> ControlLine {
        let fields = fieldRanges(line)
        guard let verbRange = fields.first else { throw NATSError.protocolViolation("empty control line") }
        let verb = line[verbRange]
        if matches(verb, "MSG") || matches(verb, "HMSG") {
            let hasHeaders = verb.count == 4
            guard let frame = messageFrame(line, fields: fields, hasHeaders: hasHeaders) else {
                throw NATSError.protocolViolation("malformed \(hasHeaders ? "HMSG" : "MSG") line")
            }
            return .message(frame)
        }
        if matches(verb, "PING") { return .ping }
        if matches(verb, "PONG") { return .pong }
        if matches(verb, "+OK") { return .ok }
        let rest = String(decoding: UnsafeRawBufferPointer(rebasing: line[verbRange.upperBound...]), as: UTF8.self)
            .trimmingCharacters(in: .whitespaces)
        if matches(verb, "-ERR") { return .error(unquoted(rest)) }
        if matches(verb, "INFO") { return .info(rest) }
        throw NATSError.protocolViolation("unknown operation '\(String(decoding: verb.prefix(32), as: UTF8.self))'")
    }

    /// The ranges of the blank-separated fields of a line (runs of blanks count as one: the
    /// server writes two spaces where a MSG has no reply subject).
    private static func fieldRanges(_ line: UnsafeRawBufferPointer) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(6)
        var start: Int?
        for index in 0..<line.count {
            let byte = line[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                if let fieldStart = start {
                    ranges.append(fieldStart..<index)
                    start = nil
                }
            } else if start == nil {
                start = index
            }
        }
        if let fieldStart = start { ranges.append(fieldStart..<line.count) }
        return ranges
    }

    /// Case-insensitive comparison of a verb with an upper-case ASCII word.
    private static func matches(_ field: Slice<UnsafeRawBufferPointer>, _ word: StaticString) -> Bool {
        guard field.count == word.utf8CodeUnitCount else { return false }
        let wordBytes = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for (offset, byte) in field.enumerated() {
            let upper = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte
            if upper != wordBytes[offset] { return false }
        }
        return true
    }

    /// Drops consumed bytes once they pile up, so a long-lived connection does not grow its buffer.
    private mutating func compactIfWorthIt() {
        if buffer.readableBytes == 0 {
            buffer.clear()
        } else if buffer.readerIndex > 1 << 20 {
            buffer.discardReadBytes()
        }
    }

    private struct MessageFrame {
        var subject: String
        var sid: UInt64
        var reply: String?
        var headerSize: Int
        var totalSize: Int
    }

    /// `MSG <subject> <sid> [reply] <size>` or `HMSG <subject> <sid> [reply] <header size> <total size>`.
    private static func messageFrame(_ line: UnsafeRawBufferPointer, fields: [Range<Int>], hasHeaders: Bool) -> MessageFrame? {
        let sizeCount = hasHeaders ? 2 : 1
        guard fields.count == 3 + sizeCount || fields.count == 4 + sizeCount else { return nil }
        let hasReply = fields.count == 4 + sizeCount
        guard let sid = number(line[fields[2]]) else { return nil }
        guard let total = number(line[fields[fields.count - 1]]) else { return nil }
        let header = hasHeaders ? number(line[fields[fields.count - 2]]) : 0
        guard let header, header <= total else { return nil }
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: line[range]), as: UTF8.self)
        }
        return MessageFrame(
            subject: text(fields[1]),
            sid: UInt64(sid),
            reply: hasReply ? text(fields[3]) : nil,
            headerSize: header,
            totalSize: total
        )
    }

    private static func number(_ digits: Slice<UnsafeRawBufferPointer>) -> Int? {
        guard !digits.isEmpty, digits.count < 19 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    private static func unquoted(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") else { return text }
        return String(text.dropFirst().dropLast())
    }
}
