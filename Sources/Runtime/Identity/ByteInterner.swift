/// Interns byte strings to dense `UInt32` ids in arrival order without building a `String` on
/// the hot path: an open-addressing hash table over one byte arena.
public struct ByteInterner: Sendable {
    package var arena: [UInt8] = []
    package var starts: [UInt32] = [0]          // id i spans arena[starts[i] ..< starts[i + 1]]
    package var hashes: [UInt32] = []
    /// A probe reads one slot and then the bytes: no detour through `hashes` or `starts`.
    var slots: [Slot]

    struct Slot {
        /// `hash << 32 | (id + 1)`, 0 = empty.
        var hashAndID: UInt64 = 0
        var start: UInt32 = 0
        var length: UInt32 = 0
    }
    var mask: Int
    /// The most arena bytes this interner may hold; see `room`.
    var byteLimit = ByteInterner.maxArenaBytes

    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
        mask = size - 1
    }

    public var count: Int { starts.count - 1 }

    /// The same strings under the same ids, but `id` spelled `name` (which must not be interned
    /// here already): a rename that leaves every id stored elsewhere valid.
    public func renaming(_ id: UInt32, to name: String) -> ByteInterner {
        var renamed = ByteInterner(capacity: max(64, count))
        renamed.byteLimit = byteLimit
        for i in 0..<UInt32(count) { _ = renamed.intern(i == id ? name : string(i)) }
        return renamed
    }

    /// The id of `bytes`, adding it when new.
    public mutating func intern(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let hash = Self.hash(bytes)
        if let id = find(bytes, hash: hash) { return id }
        return insert(bytes, hash: hash)
    }

    public mutating func intern(_ text: String) -> UInt32 {
        var copy = text
        return copy.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    /// The id of `bytes` if interned.
    public func lookup(_ bytes: UnsafeRawBufferPointer) -> UInt32? { find(bytes, hash: Self.hash(bytes)) }

    public func lookup(_ text: String) -> UInt32? {
        var copy = text
        return copy.withUTF8 { lookup(UnsafeRawBufferPointer($0)) }
    }

    public func string(_ id: UInt32) -> String {
        let start = Int(starts[Int(id)]), end = Int(starts[Int(id) + 1])
        return arena.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
    }

    public var strings: [String] { (0..<UInt32(count)).map(string) }

    public var memoryBytes: Int { arena.capacity + starts.capacity * 4 + hashes.capacity * 4 + slots.capacity * MemoryLayout<Slot>.stride }

    /// Calls `body` with the bytes of `id`.
    public func withBytes<R>(of id: UInt32, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = Int(starts[Int(id)]), end = Int(starts[Int(id) + 1])
        return arena.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Byte equality without a libc call for the short keys interned here.
    @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        var i = 0
        while i + 8 <= count {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < count {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }

    func find(_ bytes: UnsafeRawBufferPointer, hash: UInt32) -> UInt32? {
        var slot = Int(hash) & mask
        return arena.withUnsafeBytes { arenaBytes in
            while true {
                let entry = slots[slot]
                if entry.hashAndID == 0 { return nil }
                if UInt32(truncatingIfNeeded: entry.hashAndID >> 32) == hash, Int(entry.length) == bytes.count,
                   entry.length == 0 || Self.equal(arenaBytes.baseAddress! + Int(entry.start), bytes.baseAddress!, bytes.count) {
                    return UInt32(truncatingIfNeeded: entry.hashAndID) - 1
                }
                slot = (slot + 1) & mask
            }
        }
    }

    mutating func insert(_ bytes: UnsafeRawBufferPointer, hash: UInt32) -> UInt32 {
        let id = UInt32(count)
        arena.append(contentsOf: bytes)
        starts.append(UInt32(arena.count))
        hashes.append(hash)
        if count * 2 > slots.count { grow() } else { place(id: id, hash: hash) }
        return id
    }

    package mutating func place(id: UInt32, hash: UInt32) {
        var slot = Int(hash) & mask
        while slots[slot].hashAndID != 0 { slot = (slot + 1) & mask }
        let start = starts[Int(id)]
        slots[slot] = Slot(hashAndID: UInt64(hash) << 32 | UInt64(id + 1), start: start, length: starts[Int(id) + 1] - start)
    }

    mutating func grow() {
        slots = [Slot](repeating: Slot(), count: slots.count * 2)
        mask = slots.count - 1
        for id in 0..<UInt32(count) { place(id: id, hash: hashes[Int(id)]) }
    }

    /// FNV-1a over 8-byte words, then a final mix: fast on short keys (emails, event names).
    package static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var fnv = FNV1a()
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            fnv.add(word: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        while i < n {
            fnv.add(bytes[i])
            i += 1
        }
        var h = fnv.value
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return UInt32(truncatingIfNeeded: h)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
