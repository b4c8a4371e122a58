extension JSONValue: Decodable {
    init(from decoder: any Decoder) throws {
        if let array = try? decoder.unkeyedContainer() {
            var array = array, items: [JSONValue] = []
            while !array.isAtEnd { items.append(try array.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyCodingKey.self) {
            var fields: [String: JSONValue] = [:]
            for key in object.allKeys { fields[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(fields)
            return
        }
        let scalar = try decoder.singleValueContainer()
        if scalar.decodeNil() { self = .null; return }
        if let flag = try? scalar.decode(Bool.self) { self = .bool(flag); return }
        if let text = try? scalar.decode(String.self) { self = .string(text); return }
        if let whole = try? scalar.decode(Int.self) { self = .integer(whole); return }
        if let value = try? scalar.decode(Double.self) { self = .number(value); return }
        throw DecodingError.typeMismatch(Double.self, .init(codingPath: decoder.codingPath, debugDescription: "a number beyond Double's range"))
    }
}
