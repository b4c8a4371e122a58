/// The `NATS/1.0 [status [description]]` block that precedes the payload of HPUB and HMSG.
enum HeaderBlock {
    static let versionLine = "NATS/1.0"

    struct Parsed: Sendable, Equatable {
        var headers: NATSHeaders
        var status: Int?
        var statusDescription: String?
    }

    /// The bytes to send for `headers`: version line, one line per field, blank line.
    static func encode(_ headers: NATSHeaders) throws -> [UInt8] {
        var text = versionLine + "\r\n"
        for field in headers.fields {
            guard isValidName(field.name), !field.value.utf8.contains(where: { $0 == 13 || $0 == 10 }) else {
                throw NATSError.invalidHeader("\(field.name): \(field.value)")
            }
            text += field.name + ": " + field.value + "\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// Reads a header block as the server sends it (also the base64-decoded `hdrs` of a stored message).
    static func parse(_ bytes: some Collection<UInt8>) throws -> Parsed {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        guard let first = lines.popFirst(), first.hasPrefix(versionLine) else {
            throw NATSError.protocolViolation("header block does not start with \(versionLine)")
        }
        var parsed = Parsed(headers: NATSHeaders())
        // "NATS/1.0 503" or "NATS/1.0 408 Request Timeout": status, then free text.
        let statusPart = first.dropFirst(versionLine.count).drop { $0 == " " }
        if !statusPart.isEmpty {
            let code = statusPart.prefix { $0 != " " }
            parsed.status = Int(code)
            let description = statusPart.dropFirst(code.count).drop { $0 == " " }
            if !description.isEmpty { parsed.statusDescription = String(description) }
        }
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingSpaces()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            parsed.headers.append(String(name), String(value))
        }
        return parsed
    }

    private static func isValidName(_ name: String) -> Bool {
        // Bytes, not Characters: "\r\n" is one Character and would pass a Character test.
        !name.isEmpty && !name.utf8.contains { $0 == UInt8(ascii: ":") || $0 <= 32 || $0 == 127 }
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var trimmed = self
        while let first = trimmed.first, first == " " || first == "\t" { trimmed.removeFirst() }
        while let last = trimmed.last, last == " " || last == "\t" { trimmed.removeLast() }
        return trimmed
    }
}
