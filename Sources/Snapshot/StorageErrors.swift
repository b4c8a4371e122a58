#if canImport(Glibc)
import Glibc
#endif

/// A storage error that carries its own answer, so the HTTP layer maps every one of them with
/// one rule: `status` is the HTTP status, `code` the error code, `description` the message.
public protocol AnsweredStorageError: Error, CustomStringConvertible {
    var status: Int { get }
    var code: String { get }
}

/// The write failed: nothing was logged, and the write must not be acknowledged.
public struct StorageFault: Error, CustomStringConvertible {
    public var operation: String
    public var errno: Int32
    public init(operation: String, errno: Int32) { self.operation = operation; self.errno = errno }
    public var description: String { "\(operation) failed: \(String(cString: strerror(errno)))" }
}

/// An fsync of the tenant's log failed earlier: the kernel may have dropped the pages it could
/// not write, so what is on disk is unknown. The tenant takes no writes until a restart recovers
/// it from what is on disk; reads go on. Nothing of the refused write was applied.
public struct StorageFailed: AnsweredStorageError {
    public var tenant: String
    public var cause: StorageFault
    public init(tenant: String, cause: StorageFault) { self.tenant = tenant; self.cause = cause }
    public var status: Int { 503 }
    public var code: String { "storage_failed" }
    public var description: String {
        "tenant '\(tenant)' is read-only: its storage failed (\(cause)); it takes no writes until the server is restarted. Nothing was applied"
    }
}

/// The write was logged and applied in memory, but the fsync that should have made it durable
/// failed: it may or may not survive a restart. A blind retry may apply it twice.
public struct DurabilityUnknown: AnsweredStorageError {
    public var tenant: String
    public var sequence: UInt64
    public var cause: StorageFault
    public init(tenant: String, sequence: UInt64, cause: StorageFault) { self.tenant = tenant; self.sequence = sequence; self.cause = cause }
    public var status: Int { 503 }
    public var code: String { "durability_unknown" }
    public var description: String {
        "the write was applied in memory but may not be on disk (\(cause)); do not retry it blindly, it may be applied twice. "
            + "Tenant '\(tenant)' takes no writes until the server is restarted"
    }
}

/// The write's log record would be larger than a record may be: nothing was written or applied.
public struct RecordTooLarge: AnsweredStorageError {
    public var bytes: Int
    public var limit: Int
    public var status: Int { 413 }
    public var code: String { "record_too_large" }
    public var description: String { "the write needs a log record of \(bytes) bytes; at most \(limit) are allowed. Send it in smaller parts" }
}
