/// How a partitioned tenant's users are split: by a stable hash of the user's id, so every event
/// of a user lands in one partition and answers add across partitions exactly.
public struct UserPartitions: Sendable, Equatable {
    public let count: Int

    /// - Parameter count: partitions, 1 to `maximum`.
    public init?(count: Int) {
        guard (1...Self.maximum).contains(count) else { return nil }
        self.count = count
    }

    public static let maximum = 256

    public func partition(ofUser id: String) -> Int { count == 1 ? 0 : Int(StableHash.of(id) % UInt64(count)) }

    /// The ownership unit of a tenant's partition: the tenant itself when it is not split.
    public func unit(tenant: String, partition: Int) -> String { count == 1 ? tenant : "\(tenant).p\(partition)" }

    /// Every unit of the tenant, in partition order.
    public func units(tenant: String) -> [String] { (0..<count).map { unit(tenant: tenant, partition: $0) } }
}
