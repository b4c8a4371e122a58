/// An object's meta record, stored as JSON on `$O.<bucket>.M.<base64url(name)>` in the layout the
/// other NATS clients write and read.
public struct ObjectInfo: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
    public var bucket: String
    /// The random token naming the object's chunk subject `$O.<bucket>.C.<nuid>`.
    public var nuid: String
    public var size: UInt64
    /// RFC 3339 time of the put.
    public var mtime: String?
    public var chunks: Int
    /// `SHA-256=<base64url of the digest>`; empty for a deleted object.
    public var digest: String?
    public var deleted: Bool?
    public var options: Options?

    public struct Options: Codable, Sendable, Equatable {
        public var maxChunkSize: Int?
    }

    public var isDeleted: Bool { deleted ?? false }
}
