/// Interns whole property objects: each distinct set of key/value pairs gets one id, so an event
/// stores 4 bytes of properties. Keys and values are interned on their own, for queries.
public struct PropertySets: Sendable {
    public package(set) var keys = ByteInterner(capacity: 256)
    public package(set) var values = ByteInterner(capacity: 4096)
    package var sets = ByteInterner(capacity: 4096)
    package var pairStarts: [UInt32] = [0]
    package var pairKeys: [UInt32] = []
    package var pairValues: [UInt32] = []
    var scratch: [UInt8] = []

    public init() {
        _ = sets.intern(UnsafeRawBufferPointer(start: nil, count: 0))   // id 0: no properties
        pairStarts.append(0)
    }

    public var count: Int { sets.count }

    /// The id of the set made of `pairs`, trying `likely` first: a user's properties rarely change,
    /// so comparing against the user's previous set usually answers without hashing.
    mutating func intern(_ pairs: some Sequence<(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)>, likely: PropertySetIndex) -> PropertySetIndex {
        if likely != .empty, sets.withBytes(of: likely.rawValue, { Self.encoding($0, matches: pairs) }) { return likely }
        return intern(pairs)
    }

    /// Whether `encoded` (length-prefixed keys and values) is exactly `pairs`.
    private static func encoding(_ encoded: UnsafeRawBufferPointer, matches pairs: some Sequence<(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)>) -> Bool {
        var position = 0
        func take(_ part: UnsafeRawBufferPointer) -> Bool {
            guard position + 2 + part.count <= encoded.count else { return false }
            let length = Int(encoded[position]) | Int(encoded[position + 1]) << 8
            guard length == part.count & 0xFFFF else { return false }
            position += 2
            if part.count > 0 && !ByteInterner.equal(encoded.baseAddress! + position, part.baseAddress!, part.count) { return false }
            position += part.count
            return true
        }
        for (key, value) in pairs { guard take(key), take(value) else { return false } }
        return position == encoded.count
    }

    /// The id of the set made of `pairs` (raw key and value bytes), in the order given.
    mutating func intern(_ pairs: some Sequence<(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)>) -> PropertySetIndex {
        scratch.removeAll(keepingCapacity: true)
        for (key, value) in pairs {
            appendLength(key.count); scratch.append(contentsOf: key)
            appendLength(value.count); scratch.append(contentsOf: value)
        }
        if scratch.isEmpty { return .empty }
        let before = sets.count
        let id = scratch.withUnsafeBytes { sets.intern($0) }
        if Int(id) == before {
            for (key, value) in pairs {
                pairKeys.append(keys.intern(key))
                pairValues.append(values.intern(value))
            }
            pairStarts.append(UInt32(pairKeys.count))
        }
        return PropertySetIndex(id)
    }

    mutating func intern(_ properties: [(String, String)]) -> PropertySetIndex {
        var flat: [UInt8] = []
        var bounds: [(Range<Int>, Range<Int>)] = []
        for (k, v) in properties {
            let ks = flat.count; flat.append(contentsOf: k.utf8)
            let vs = flat.count; flat.append(contentsOf: v.utf8)
            bounds.append((ks..<vs, vs..<flat.count))
        }
        return flat.withUnsafeBytes { bytes in
            intern(bounds.map { (key: UnsafeRawBufferPointer(rebasing: bytes[$0.0]), value: UnsafeRawBufferPointer(rebasing: bytes[$0.1])) })
        }
    }

    private mutating func appendLength(_ n: Int) {
        scratch.append(UInt8(truncatingIfNeeded: n)); scratch.append(UInt8(truncatingIfNeeded: n >> 8))
    }

    /// The (key id, value id) pairs of a set.
    public func pairs(_ set: PropertySetIndex) -> [(key: UInt32, value: UInt32)] {
        let lo = Int(pairStarts[Int(set.rawValue)]), hi = Int(pairStarts[Int(set.rawValue) + 1])
        return (lo..<hi).map { (pairKeys[$0], pairValues[$0]) }
    }

    /// The value id of `key` in a set, if present.
    public func value(of key: UInt32, in set: PropertySetIndex) -> UInt32? {
        let lo = Int(pairStarts[Int(set.rawValue)]), hi = Int(pairStarts[Int(set.rawValue) + 1])
        for i in lo..<hi where pairKeys[i] == key { return pairValues[i] }
        return nil
    }

    public func decoded(_ set: PropertySetIndex) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in pairs(set) { out[keys.string(k)] = values.string(v) }
        return out
    }

    var memoryBytes: Int { keys.memoryBytes + values.memoryBytes + sets.memoryBytes + (pairStarts.capacity + pairKeys.capacity + pairValues.capacity) * 4 + scratch.capacity }
}
