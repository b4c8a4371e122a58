import Hummingbird
import Runtime

/// Writes JSON straight into bytes, for the answers that are asked for thousands of times a
/// second (live users, the metrics API): Foundation's JSONEncoder cost more than the query.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma = false

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate(); bytes.append(UInt8(ascii: "{")); needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}")); needsComma = true
    }

    mutating func array(_ body: (inout JSONWriter) -> Void) {
        separate(); bytes.append(UInt8(ascii: "[")); needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "]")); needsComma = true
    }

    /// A key inside an object; the next value is its value.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma = false
    }

    /// A key given at run time (a user's own names: no key strategy may change them).
    mutating func key(text name: String) {
        value(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A key written before (by `key(text:)`, in bytes), for keys repeated row after row.
    mutating func rawKey(_ fragment: [UInt8]) {
        separate(); bytes.append(contentsOf: fragment); needsComma = false
    }

    mutating func value(_ number: Int) {
        separate()
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(UInt64(number.magnitude), width: 1)
        needsComma = true
    }

    mutating func value(_ text: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        // Most text needs no escape: copied whole.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            needsComma = true
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// The instants ISO-8601 text can show with four-digit years: 0000-01-01 to 9999-12-31.
    static let printableMs: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999

    static let printableDays: ClosedRange<DayNumber> = -719_528...2_932_896

    /// An instant as ISO-8601 text in UTC, "2026-10-31T11:59:00.000Z"; instants past the years
    /// 0000–9999 are written as the nearest one inside them.
    mutating func timestamp(_ ms: Int64) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        Self.appendTimestamp(ms, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// The instant's ISO-8601 text, without quotes, onto `bytes`.
    static func appendTimestamp(_ ms: Int64, to bytes: inout [UInt8]) {
        let ms = min(max(ms, Self.printableMs.lowerBound), Self.printableMs.upperBound)
        let day = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let (year, month, dayOfMonth) = TenantCalendar.date(of: DayNumber(day))
        let inDay = UInt64(ms - day * 86_400_000)
        appendDigits(UInt64(year), width: 4, to: &bytes); bytes.append(UInt8(ascii: "-"))
        appendDigits(UInt64(month), width: 2, to: &bytes); bytes.append(UInt8(ascii: "-"))
        appendDigits(UInt64(dayOfMonth), width: 2, to: &bytes); bytes.append(UInt8(ascii: "T"))
        appendDigits(inDay / 3_600_000, width: 2, to: &bytes); bytes.append(UInt8(ascii: ":"))
        appendDigits(inDay / 60_000 % 60, width: 2, to: &bytes); bytes.append(UInt8(ascii: ":"))
        appendDigits(inDay / 1000 % 60, width: 2, to: &bytes); bytes.append(UInt8(ascii: "."))
        appendDigits(inDay % 1000, width: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// A day as "YYYY-MM-DD".
    mutating func date(_ day: DayNumber) {
        separate()
        let day = min(max(day, Self.printableDays.lowerBound), Self.printableDays.upperBound)
        let (year, month, dayOfMonth) = TenantCalendar.date(of: day)
        bytes.append(UInt8(ascii: "\""))
        appendDigits(UInt64(year), width: 4); bytes.append(UInt8(ascii: "-"))
        appendDigits(UInt64(month), width: 2); bytes.append(UInt8(ascii: "-"))
        appendDigits(UInt64(dayOfMonth), width: 2)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendDigits(_ value: UInt64, width: Int) { Self.appendDigits(value, width: width, to: &bytes) }

    private static func appendDigits(_ value: UInt64, width: Int, to bytes: inout [UInt8]) {
        var divisor: UInt64 = 1
        var digits = 1
        while digits < width || value / divisor >= 10 { divisor *= 10; digits += 1 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Bytes written elsewhere (a cached fragment) as the next value.
    mutating func raw(_ fragment: [UInt8]) {
        separate(); bytes.append(contentsOf: fragment); needsComma = true
    }

    func response(status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
