import Runtime

/// The tenant state one query reads (an immutable view) and what its tables share: the
/// canonical user of each user id and text forms computed once per query.
final class SQLSource {
    let state: TenantState
    let deadline: SQLDeadline
    private(set) lazy var canonicalOf: [UInt32] = {
        let users = state.users
        return (0..<UInt32(users.count)).map { users.canonical($0) }
    }()
    private var propertiesJSON: [UInt32: [UInt8]] = [:]
    private(set) lazy var typeNames = SQLNames(state.eventTypeNames)
    private(set) lazy var userNames = SQLNames(state.userNames)
    private(set) lazy var accountNames = SQLNames(state.accountNames)
    private(set) lazy var pageNames = SQLNames(state.pageNames)
    /// The event log's chunks, oldest first, kept alive for the pointers of `chunkColumns`;
    /// rows are named `chunk << 16 | row`.
    let chunks: [EventColumns]
    let chunkColumns: [SQLChunkColumns]
    /// The rows of a time range grouped by user (counting sort), built on the first
    /// `user_id = …` lookup of a range and kept for the next (a join asks once per outer row).
    private var byUser: (range: SQLTimeRange, offsets: [Int], rows: [Int])?

    init(state: TenantState, deadline: SQLDeadline) {
        self.state = state; self.deadline = deadline
        var chunks: [EventColumns] = []
        state.log.forEachChunk { chunks.append($0) }
        self.chunks = chunks
        self.chunkColumns = chunks.map(SQLChunkColumns.init)
    }

    private var instants: [[UInt8]: (atOrAfter: Int64?, after: Int64?)] = [:]

    /// `SQLTimestamp.firstInstant`, remembered: a join's inner loop compares with the same text
    /// once per outer row.
    func firstInstant(atOrAfter bound: [UInt8], strictly: Bool) -> Int64 {
        if let known = strictly ? instants[bound]?.after : instants[bound]?.atOrAfter { return known }
        let instant = SQLTimestamp.firstInstant(atOrAfter: bound, strictly: strictly)
        if strictly { instants[bound, default: (nil, nil)].after = instant } else { instants[bound, default: (nil, nil)].atOrAfter = instant }
        return instant
    }

    /// Every row in `range`, in log order.
    func rows(in range: SQLTimeRange) -> [Int] {
        var out: [Int] = []
        for (c, chunk) in chunkColumns.enumerated() where chunk.count > 0 && chunk.maxTimestamp >= range.startMs && chunk.minTimestamp < range.endMs {
            let timestamps = chunk.timestamps
            for r in 0..<chunk.count where range.contains(timestamps[r]) { out.append(c << 16 | r) }
        }
        return out
    }

    /// The rows of `user` (canonical) in `range`, in log order.
    func rows(of user: UInt32, in range: SQLTimeRange) -> [Int] {
        if byUser == nil || byUser!.range != range {
            let all = rows(in: range)
            var offsets = [Int](repeating: 0, count: state.users.count + 1)
            for ref in all { offsets[Int(canonical(chunkColumns[ref >> 16].users[ref & 0xFFFF])) + 1] += 1 }
            for i in 1..<offsets.count { offsets[i] += offsets[i - 1] }
            var next = offsets
            var grouped = [Int](repeating: 0, count: all.count)
            for ref in all {
                let u = Int(canonical(chunkColumns[ref >> 16].users[ref & 0xFFFF]))
                grouped[next[u]] = ref; next[u] += 1
            }
            byUser = (range, offsets, grouped)
        }
        let u = Int(user)
        guard let index = byUser, u + 1 < index.offsets.count else { return [] }
        return Array(index.rows[index.offsets[u]..<index.offsets[u + 1]])
    }

    /// Set when a table stopped gathering rows because the budget was spent: the query's answer
    /// would be partial, so it is refused.
    private(set) var cutShort = false

    /// Whether a table gathering rows before SQLite sees them must stop (SQLite's own check
    /// only runs between rows).
    func timeUp() -> Bool {
        if deadline.passed { cutShort = true }
        return cutShort
    }

    func canonical(_ user: UInt32) -> UInt32 { state.users.mergedCount > 0 ? canonicalOf[Int(user)] : user }

    /// A property set as a JSON object (`{}` for none), for `json_extract`.
    func propertiesJSON(_ set: UInt32) -> [UInt8] {
        if let cached = propertiesJSON[set] { return cached }
        let sets = state.propertySets
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, pair) in sets.pairs(PropertySetIndex(set)).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            sets.keys.withBytes(of: pair.key) { SQLJSON.appendString($0, to: &out) }
            out.append(UInt8(ascii: ":"))
            sets.values.withBytes(of: pair.value) { SQLJSON.appendString($0, to: &out) }
        }
        out.append(UInt8(ascii: "}"))
        propertiesJSON[set] = out
        return out
    }

    /// A string map as a JSON object with sorted keys.
    static func json(_ map: [String: String]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, key) in map.keys.sorted().enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            SQLJSON.appendString(Array(key.utf8), to: &out)
            out.append(UInt8(ascii: ":"))
            SQLJSON.appendString(Array(map[key]!.utf8), to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}

/// Writes JSON strings from raw UTF-8.
enum SQLJSON {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendString(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20: out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
