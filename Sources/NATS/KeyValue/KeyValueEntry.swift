/// What the newest message of a key says.
public enum KeyValueOperation: String, Sendable {
    case put = "PUT"
    case delete = "DEL"
    case purge = "PURGE"
}

/// The newest revision of a key. After a delete or purge the key has no value, but its marker
/// still has a revision: `create` and `update` compare against it.
public struct KeyValueEntry: Sendable, Equatable {
    public var bucket: String
    public var key: String
    /// nil when the key was deleted or purged.
    public var value: [UInt8]?
    /// The stream sequence of this revision.
    public var revision: UInt64
    public var operation: KeyValueOperation

    public var isDeleted: Bool { operation != .put }
}
