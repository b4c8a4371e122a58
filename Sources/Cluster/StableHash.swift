/// A hash that is the same on every node and every run (Swift's `Hasher` is seeded per
/// process): FNV-1a over the bytes, then a 64-bit finalizer so nearby inputs spread apart.
public enum StableHash {
    public static func of(_ text: String) -> UInt64 { finalize(fnv1a(text.utf8)) }

    /// The hash of several parts, each ended by a zero byte, so ("ab", "c") and ("a", "bc") differ.
    public static func of(_ parts: String...) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            h = fnv1a(part.utf8, from: h)
            h = h &* 0x100_0000_01b3  // the zero byte that ends the part
        }
        return finalize(h)
    }

    static func fnv1a(_ bytes: some Sequence<UInt8>, from start: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = start
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }

    /// splitmix64's finalizer.
    static func finalize(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
