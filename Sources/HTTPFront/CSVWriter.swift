import Hummingbird

/// CSV as RFC 4180 writes it: a field with a comma, a quote or a line break is quoted, quotes
/// doubled; lines end in CRLF. A field that a spreadsheet would run as a formula (=, +, −, @ first)
/// gets a leading quote mark, so an exported value can never execute.
struct CSVWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func row(_ fields: [String]) {
        for (i, text) in fields.enumerated() { field(text, first: i == 0) }
        endRow()
    }

    /// One field of a row being written field by field (`endRow` closes it).
    mutating func field(_ raw: UnsafeRawBufferPointer, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        let guarded = raw.first.map { "=+-@".utf8.contains($0) } == true && Double(String(decoding: raw, as: UTF8.self)) == nil
        let quoted = raw.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        if quoted { bytes.append(UInt8(ascii: "\"")) }
        if guarded { bytes.append(UInt8(ascii: "'")) }
        if quoted {
            for byte in raw {
                if byte == UInt8(ascii: "\"") { bytes.append(byte) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        } else {
            bytes.append(contentsOf: raw)
        }
    }

    mutating func field(_ text: String, first: Bool = false) {
        var copy = text
        copy.withUTF8 { field(UnsafeRawBufferPointer($0), first: first) }
    }

    /// Text known to need neither quotes nor a guard, as the next field.
    mutating func plainField(_ text: StaticString) {
        bytes.append(UInt8(ascii: ","))
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func emptyField() { bytes.append(UInt8(ascii: ",")) }

    /// A field another writer wrote (quoted and guarded already), as the next field.
    mutating func writtenField(_ field: [UInt8]) {
        bytes.append(UInt8(ascii: ","))
        bytes.append(contentsOf: field)
    }

    /// An instant as ISO-8601 text in UTC, as the next field.
    mutating func timestampField(_ ms: Int64, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        JSONWriter.appendTimestamp(ms, to: &bytes)
    }

    mutating func endRow() { bytes.append(contentsOf: [13, 10]) }

    func response(filename: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\""],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
