/// A field of an edit body that may be left out (keep the old value), null (clear it) or set.
enum PatchField<Value: Decodable & Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    /// Whether the body names the field, even as null.
    var isMentioned: Bool {
        if case .absent = self { return false }
        return true
    }

    /// The value set, nil when absent or null.
    var value: Value? {
        guard case .value(let value) = self else { return nil }
        return value
    }
}

extension PatchField: Decodable {
    /// Reached only as an array element or a top-level value, where "absent" cannot occur.
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = container.decodeNil() ? .null : .value(try container.decode(Value.self))
    }
}

extension KeyedDecodingContainer {
    /// Tells a missing key from null, which `decodeIfPresent` reads alike; synthesized decoding
    /// of a `PatchField` property lands here.
    func decode<Value>(_ type: PatchField<Value>.Type, forKey key: Key) throws -> PatchField<Value> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        return .value(try decode(Value.self, forKey: key))
    }
}
