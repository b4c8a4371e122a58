/// The message ids that SDK routes saw in the last 24 hours (Segment's `messageId`, PostHog's
/// `uuid`, Amplitude's `insert_id`, Mixpanel's `$insert_id`), so a library's retry of a batch
/// counts each message once. Kept apart from `IdempotencyKeys`: there is one per event, not
/// one per request, and a flood of them must not push request keys out. Logged with the write
/// they came with, kept in snapshots, bounded: past `maxIDs` ids or `maxStoredBytes` bytes the
/// oldest are forgotten early.
public struct MessageIDs: Sendable, Equatable {
    public static let windowMs: Int64 = 24 * 3_600_000
    public static let maxIDs = 2_000_000
    public static let maxIDBytes = 255
    public static let maxStoredBytes = 128 << 20

    private(set) var seenAt: [String: Int64] = [:]
    /// Ids in the order they were first seen; `head` is the oldest still kept.
    private(set) var order: [String] = []
    private var head = 0
    private(set) var storedBytes = 0

    public init() {}

    public var count: Int { seenAt.count }

    public func contains(_ id: String) -> Bool { seenAt[id] != nil }

    public mutating func insert(_ id: String, atMs: Int64) {
        guard seenAt[id] == nil else { return }
        seenAt[id] = atMs
        order.append(id)
        storedBytes += id.utf8.count
        forgetOld(nowMs: atMs)
    }

    /// Forgets ids older than the window, and the oldest beyond the bounds.
    public mutating func forgetOld(nowMs: Int64) {
        while head < order.count {
            let id = order[head]
            guard let at = seenAt[id] else { head += 1; continue }
            guard nowMs &- at > Self.windowMs || seenAt.count > Self.maxIDs || storedBytes > Self.maxStoredBytes else { break }
            seenAt[id] = nil
            storedBytes -= id.utf8.count
            head += 1
        }
        if head > 4096 && head * 2 > order.count { order.removeFirst(head); head = 0 }
    }

    /// Every kept id with the time it was seen, oldest first (for snapshots).
    public var entriesInOrder: [(id: String, atMs: Int64)] {
        order[head...].compactMap { id in seenAt[id].map { (id, $0) } }
    }

    public var memoryBytes: Int { storedBytes + seenAt.count * 48 + order.count * 16 }
}
