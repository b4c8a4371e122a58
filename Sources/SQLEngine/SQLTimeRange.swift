import CSQLite
import Foundation

/// The instants `[startMs, endMs)` a scan must read, narrowed by comparisons on a text timestamp
/// column (`timestamp`) or an integer milliseconds column (`timestamp_ms`), each applied exactly
/// as SQLite would compare the column with the value.
struct SQLTimeRange: Equatable {
    var startMs = Int64.min
    var endMs = Int64.max

    var isEmpty: Bool { startMs >= endMs }

    func contains(_ ms: Int64) -> Bool { ms >= startMs && ms < endMs }

    private mutating func atLeast(_ ms: Int64) { startMs = max(startMs, ms) }
    private mutating func below(_ ms: Int64) { endMs = min(endMs, ms) }
    private mutating func nothing() { startMs = 0; endMs = 0 }

    /// `timestamp op value`: the column has TEXT affinity, so a number compares as its text; a
    /// blob is greater than every text.
    mutating func narrow(text constraint: SQLConstraint, in source: SQLSource) {
        let value = constraint.value
        if sqlite3_value_type(value) == SQLITE_BLOB {
            if constraint.op != .less && constraint.op != .lessOrEqual { nothing() }
            return
        }
        guard sqlite3_value_type(value) != SQLITE_NULL, let pointer = sqlite3_value_text(value) else { return nothing() }
        let bound = Array(UnsafeBufferPointer(start: pointer, count: Int(sqlite3_value_bytes(value))))
        let atOrAfter = { source.firstInstant(atOrAfter: bound, strictly: false) }
        let after = { source.firstInstant(atOrAfter: bound, strictly: true) }
        switch constraint.op {
        case .greaterOrEqual: atLeast(atOrAfter())
        case .greater: atLeast(after())
        case .less: below(atOrAfter())
        case .lessOrEqual: below(after())
        case .equal: atLeast(atOrAfter()); below(after())
        }
    }

    /// `timestamp_ms op value`: the column has INTEGER affinity, so a numeric text compares as a
    /// number and any other text or blob is greater than every number.
    mutating func narrow(milliseconds constraint: SQLConstraint) {
        let value = constraint.value
        switch sqlite3_value_numeric_type(value) {
        case SQLITE_INTEGER:
            let v = sqlite3_value_int64(value)
            let next = v == .max ? nil : v + 1
            switch constraint.op {
            case .greaterOrEqual: atLeast(v)
            case .greater: if let next { atLeast(next) } else { nothing() }
            case .less: below(v)
            case .lessOrEqual: if let next { below(next) }
            case .equal: atLeast(v); if let next { below(next) }
            }
        case SQLITE_FLOAT:
            let d = sqlite3_value_double(value)
            guard !d.isNaN else { return nothing() }
            let up = Self.clamped(d.rounded(.up)), downNext = Self.clamped(d.rounded(.down) + 1)
            switch constraint.op {
            case .greaterOrEqual: atLeast(up)
            case .greater: atLeast(downNext)
            case .less: below(up)
            case .lessOrEqual: below(downNext)
            case .equal:
                if d.rounded() == d { atLeast(up); below(downNext) } else { nothing() }
            }
        case SQLITE_TEXT, SQLITE_BLOB:
            if constraint.op != .less && constraint.op != .lessOrEqual { nothing() }
        default:
            nothing()
        }
    }

    /// Instants beyond Beacon's years are as good as infinite here.
    private static func clamped(_ d: Double) -> Int64 {
        if d <= -9.0e18 { return -9_000_000_000_000_000_000 }
        if d >= 9.0e18 { return 9_000_000_000_000_000_000 }
        return Int64(d)
    }
}
