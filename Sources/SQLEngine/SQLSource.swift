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

    init(state: TenantState, deadline: SQLDeadline) { self.state = state; self.deadline = deadline }

    /// Set when a table stopped gathering rows because the budget was spent: the query's answer
    /// would be partial, so it is refused.
    private(set) var cutShort = false

    /// Whether a table gathering rows before SQLite sees them must stop (SQLite's own check
    /// only runs between rows).
    func timeUp() -> Bool {
        if deadline.passed { cutShort = true }
        return cutShort
    }

    /// The name of a user (canonical already), and whether it has events and stands on its own.
    func userName(_ user: UInt32) -> String { state.userNames.string(user) }
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
