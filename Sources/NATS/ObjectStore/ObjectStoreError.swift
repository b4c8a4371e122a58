public enum ObjectStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case objectNotFound(bucket: String, name: String)
    /// The bytes read back do not hash to the digest in the meta record.
    case digestMismatch(name: String, expected: String, actual: String)
    /// Fewer or more bytes or chunks than the meta record says.
    case sizeMismatch(name: String, expected: UInt64, actual: UInt64)
    case invalidMeta(name: String, reason: String)

    public var description: String {
        switch self {
        case .objectNotFound(let bucket, let name): "object '\(name)' not found in bucket '\(bucket)'"
        case .digestMismatch(let name, let expected, let actual): "object '\(name)': digest \(actual) does not match \(expected)"
        case .sizeMismatch(let name, let expected, let actual): "object '\(name)': read \(actual) bytes, expected \(expected)"
        case .invalidMeta(let name, let reason): "object '\(name)': unreadable meta record: \(reason)"
        }
    }
}
