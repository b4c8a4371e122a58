/// The message ids that SDK routes saw in the last 24 hours (Segment's `messageId`, PostHog's
/// `uuid`, Amplitude's `insert_id`, Mixpanel's `$insert_id`), so a library's retry of a batch
/// counts each message once. Kept apart from `IdempotencyKeys`: there is one per event, not
/// one per request, and a flood of them must not push request keys out. Logged with the write
/// they came with, kept in snapshots, bounded: past `maxIDs` ids the oldest are forgotten early.
///
/// An id is kept as a 64-bit hash of its namespaced text (`hash`), which the fast path computes
/// in C++ without making a string: two different ids share a hash with a chance of about 10⁻⁷
/// among 2,000,000 ids, and then the later message is taken for a repeat.
public struct MessageIDs: Sendable, Equatable {
    public static let windowMs: Int64 = 24 * 3_600_000
    public static let maxIDs = 2_000_000
    public static let maxIDBytes = 255

    private(set) var seenAt: [UInt64: Int64] = [:]
    /// Hashes in the order they were first seen; `head` is the oldest still kept.
    private(set) var order: [UInt64] = []
    private var head = 0

    public init() {}

    public var count: Int { seenAt.count }

    /// FNV-1a over the bytes, then SplitMix64's finalizer (FNV alone mixes its last bytes
    /// weakly); never 0, which the fast path uses for "no id". ci_sdk_translate computes the same.
    public static func hash(_ id: String) -> UInt64 {
        var fnv = FNV1a()
        fnv.add(id.utf8)
        var z = fnv.value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return z == 0 ? 1 : z
    }

    public func contains(_ id: String) -> Bool { contains(hash: Self.hash(id)) }

    public func contains(hash: UInt64) -> Bool { seenAt[hash] != nil }

    public mutating func insert(_ id: String, atMs: Int64) { insert(hash: Self.hash(id), atMs: atMs) }

    public mutating func insert(hash: UInt64, atMs: Int64) {
        guard seenAt[hash] == nil else { return }
        seenAt[hash] = atMs
        order.append(hash)
        forgetOld(nowMs: atMs)
    }

    /// Forgets ids older than the window, and the oldest beyond the bound.
    public mutating func forgetOld(nowMs: Int64) {
        while head < order.count {
            let hash = order[head]
            guard let at = seenAt[hash] else { head += 1; continue }
            guard nowMs &- at > Self.windowMs || seenAt.count > Self.maxIDs else { break }
            seenAt[hash] = nil
            head += 1
        }
        if head > 4096 && head * 2 > order.count { order.removeFirst(head); head = 0 }
    }

    /// Every kept id's hash with the time it was seen, oldest first (for snapshots).
    public var entriesInOrder: [(hash: UInt64, atMs: Int64)] {
        order[head...].compactMap { hash in seenAt[hash].map { (hash, $0) } }
    }

    public var memoryBytes: Int { seenAt.count * 32 + order.count * 8 }
}
