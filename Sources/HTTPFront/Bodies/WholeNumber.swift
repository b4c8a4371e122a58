/// An integer field of a body (`@WholeNumber var days: Int?`): a missing key or null reads as nil;
/// a fraction, a number beyond ±9e18 or any other type is refused naming the field.
@propertyWrapper
struct WholeNumber: Decodable, Sendable {
    var wrappedValue: Int?

    init(wrappedValue: Int?) { self.wrappedValue = wrappedValue }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let whole: Int
        do {
            whole = try container.decode(Int.self)
        } catch let error as DecodingError {
            throw error
        } catch {
            // Foundation reports 1.5 or 1e300 read as Int with an error of its own that loses the
            // field's path; name the field here instead.
            throw Self.refusal(decoder.codingPath)
        }
        guard Self.accepts(whole) else { throw Self.refusal(decoder.codingPath) }
        wrappedValue = whole
    }

    /// Within ±9e18, as Beacon has always read integers: no field means more, and arithmetic
    /// near Int64's ends would overflow.
    static func accepts(_ whole: Int) -> Bool { whole.magnitude < 9_000_000_000_000_000_000 }

    private static func refusal(_ path: [any CodingKey]) -> DecodingError {
        .typeMismatch(Int.self, .init(codingPath: path, debugDescription: "a fraction or a number beyond ±9e18"))
    }
}

extension KeyedDecodingContainer {
    /// Lets a `@WholeNumber` property be left out: synthesized decoding asks for the wrapper by
    /// `decode`, which would otherwise require the key.
    func decode(_ type: WholeNumber.Type, forKey key: Key) throws -> WholeNumber {
        try decodeIfPresent(type, forKey: key) ?? WholeNumber(wrappedValue: nil)
    }
}
