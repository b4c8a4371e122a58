import CSQLite

/// Where a cursor puts a column's value for SQLite.
struct SQLResultContext {
    let raw: OpaquePointer

    @inline(__always) func null() { sqlite3_result_null(raw) }
    @inline(__always) func integer(_ value: Int64) { sqlite3_result_int64(raw, value) }
    @inline(__always) func real(_ value: Double) { sqlite3_result_double(raw, value) }

    func text(_ value: String) {
        var value = value
        value.withUTF8 { bytes in text(UnsafeRawBufferPointer(bytes)) }
    }

    /// UTF-8 bytes, copied by SQLite.
    @inline(__always) func text(_ bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress, bytes.count > 0 else { return sqlite3_result_text(raw, "", 0, beacon_sqlite_transient()) }
        sqlite3_result_text(raw, start.assumingMemoryBound(to: CChar.self), Int32(bytes.count), beacon_sqlite_transient())
    }

    func text(_ bytes: [UInt8]) { bytes.withUnsafeBytes { text($0) } }

    /// UTF-8 bytes that stay where they are for the whole query (an interner's arena in the
    /// immutable view), handed to SQLite without a copy.
    @inline(__always) func lasting(_ bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress, bytes.count > 0 else { return sqlite3_result_text(raw, "", 0, beacon_sqlite_transient()) }
        sqlite3_result_text(raw, start.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
    }

    func optionalText(_ value: String?) { if let value { text(value) } else { null() } }
}
