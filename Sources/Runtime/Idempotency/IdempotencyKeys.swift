/// The `Idempotency-Key`s of a tenant's writes in the last 24 hours, with the answer each got, so
/// a client's retry is answered the first answer and applies nothing. Logged with the write they
/// belong to (one WAL record), kept in snapshots, and bounded: past `maxKeys` keys or
/// `maxStoredBytes` bytes the oldest are forgotten early.
public struct IdempotencyKeys: Sendable, Equatable {
    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var body: [UInt8]
        public init(status: Int, body: [UInt8]) { self.status = status; self.body = body }
    }

    public struct Entry: Sendable, Equatable {
        public var key: String
        /// A hash of the method, path and body the key first came with.
        public var fingerprint: UInt64
        public var atMs: Int64
        /// Nil until the answer is recorded (and for answers larger than `maxAnswerBytes`).
        public var answer: Answer?
    }

    public static let windowMs: Int64 = 24 * 3_600_000
    public static let maxKeys = 100_000
    public static let maxKeyBytes = 255
    public static let maxAnswerBytes = 16 << 10
    public static let maxStoredBytes = 64 << 20

    private(set) var entries: [String: Entry] = [:]
    /// Keys in the order they were first used; `head` is the oldest still kept.
    private(set) var order: [String] = []
    private var head = 0
    private(set) var storedBytes = 0

    public init() {}

    public var count: Int { entries.count }

    public func entry(_ key: String) -> Entry? { entries[key] }

    /// Records that a write with `key` was applied at `atMs` (its answer comes later).
    public mutating func register(_ key: String, fingerprint: UInt64, atMs: Int64) {
        guard entries[key] == nil else { return }
        entries[key] = Entry(key: key, fingerprint: fingerprint, atMs: atMs, answer: nil)
        order.append(key)
        storedBytes += key.utf8.count
        forgetOld(nowMs: atMs)
    }

    /// Keeps the answer `key`'s write got, unless it is too large to keep.
    public mutating func recordAnswer(_ key: String, _ answer: Answer) {
        guard entries[key]?.answer == nil, entries[key] != nil, answer.body.count <= Self.maxAnswerBytes else { return }
        entries[key]!.answer = answer
        storedBytes += answer.body.count
    }

    /// Forgets keys older than the window, and the oldest beyond the bounds.
    public mutating func forgetOld(nowMs: Int64) {
        while head < order.count {
            let key = order[head]
            guard let entry = entries[key] else { head += 1; continue }
            let expired = nowMs &- entry.atMs > Self.windowMs
            guard expired || entries.count > Self.maxKeys || storedBytes > Self.maxStoredBytes else { break }
            entries[key] = nil
            storedBytes -= key.utf8.count + (entry.answer?.body.count ?? 0)
            head += 1
        }
        if head > 1024 && head * 2 > order.count { order.removeFirst(head); head = 0 }
    }

    /// Every kept entry, oldest first (for snapshots).
    public var entriesInOrder: [Entry] { order[head...].compactMap { entries[$0] } }

    /// A fingerprint of a request: FNV-1a over its method and path, then over its body 8 bytes at a
    /// time (a byte at a time cost a tenth of the ingest rate on large batches); stable across
    /// restarts, since it is logged.
    public static func fingerprint(method: String, path: String, body: UnsafeRawBufferPointer) -> UInt64 {
        var hash = FNV1a()
        hash.add(method.utf8); hash.add(0)
        hash.add(path.utf8); hash.add(0)
        var i = 0
        while i + 8 <= body.count {
            hash.add(word: UInt64(littleEndian: body.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            hash.value ^= hash.value >> 29   // folds the high bits back in, which a word-wide multiply alone would leave weak
            i += 8
        }
        hash.add(UnsafeRawBufferPointer(rebasing: body[i...]))
        hash.add(word: UInt64(body.count))
        return hash.value
    }
}
