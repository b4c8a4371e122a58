/// Random names for inboxes, object chunks and request tokens: 22 characters of [0-9A-Za-z],
/// about 131 bits, the same shape as the NUIDs other NATS clients use.
enum Identifiers {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    static func nuid() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<22).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func inbox() -> String { "_INBOX." + nuid() }
}
