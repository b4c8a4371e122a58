/// A WAL record that recovery could not apply: the start stops, unless `--force-recover`, which
/// skips the record and logs it.
public struct WALReplayFailure: Error, CustomStringConvertible {
    public var tenant: String
    public var sequence: UInt64
    public var reason: String
    public var description: String {
        "WAL record \(sequence) of tenant '\(tenant)' cannot be applied: \(reason)"
    }
}
