import Foundation

/// What a tenant is configured with.
public struct TenantSettings: Sendable {
    public var id: String
    public var name: String
    public var timeZone: TimeZone
    /// Days of events kept; 0 keeps everything.
    public var retentionDays: Int
    /// Bytes of memory past which writes are refused (reads go on); 0 sets no budget.
    public var memoryBudgetBytes: Int

    public init(id: String, name: String, timeZone: TimeZone = TimeZone(identifier: "UTC")!, retentionDays: Int = 365, memoryBudgetBytes: Int = 0) {
        self.id = id; self.name = name; self.timeZone = timeZone; self.retentionDays = retentionDays; self.memoryBudgetBytes = memoryBudgetBytes
    }
}
