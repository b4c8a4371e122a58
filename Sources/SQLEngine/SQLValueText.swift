import CSQLite

enum SQLValueText {
    /// The UTF-8 text of a value as a TEXT column compares it for equality; nil for NULL and
    /// blobs, which equal no text.
    static func bytes(_ value: OpaquePointer) -> [UInt8]? {
        let type = sqlite3_value_type(value)
        guard type != SQLITE_NULL, type != SQLITE_BLOB, let pointer = sqlite3_value_text(value) else { return nil }
        return Array(UnsafeBufferPointer(start: pointer, count: Int(sqlite3_value_bytes(value))))
    }
}
