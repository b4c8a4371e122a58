/// 64-bit FNV-1a, for hashes that must stay the same across restarts and builds (unlike
/// `Hasher`): some are logged and kept in snapshots. Fed a byte at a time, or a word at a time
/// where speed matters; callers that mix further do so on `value`.
public struct FNV1a: Sendable {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    public var value = FNV1a.offsetBasis

    public init() {}

    @inline(__always)
    public mutating func add(_ byte: UInt8) { value = (value ^ UInt64(byte)) &* Self.prime }

    @inline(__always)
    public mutating func add(_ bytes: some Sequence<UInt8>) { for byte in bytes { add(byte) } }

    /// Eight bytes in one step: not FNV-1a proper, but as stable, and about eight times faster.
    @inline(__always)
    public mutating func add(word: UInt64) { value = (value ^ word) &* Self.prime }
}
