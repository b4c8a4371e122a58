import Runtime

extension KeyedEncodingContainer {
    /// A breakdown value as every metrics answer writes it: its text, `"other"` for the values
    /// past the top ones, null for events without the field, and nothing without a breakdown.
    mutating func encode(dimension: MetricsSeries.Dimension, forKey key: Key) throws {
        switch dimension {
        case .all: break
        case .value(let text): try encode(text, forKey: key)
        case .none: try encodeNil(forKey: key)
        case .other: try encode("other", forKey: key)
        }
    }
}
