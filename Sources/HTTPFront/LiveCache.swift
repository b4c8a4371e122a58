import Runtime
import Synchronization

/// The rendered live answer per tenant, kept while neither the data (the state's version) nor the
/// minute changes: dashboards poll it far more often than either does. Any write bumps the
/// version, so a read after an acknowledged write never sees a stale answer.
final class LiveCache: Sendable {
    struct Entry: Sendable {
        var version: UInt64
        var minute: Int64
        var activeUsers: Int
        /// The sparkline as a JSON array.
        var sparkline: [UInt8]
    }

    private let entries = Mutex<[String: Entry]>([:])

    func answer(tenant: String, version: UInt64, minute: Int64, compute: () -> (activeUsers: Int, sparkline: [UInt8])) -> Entry {
        if let entry = entries.withLock({ $0[tenant] }), entry.version == version, entry.minute == minute { return entry }
        let (activeUsers, sparkline) = compute()
        let entry = Entry(version: version, minute: minute, activeUsers: activeUsers, sparkline: sparkline)
        entries.withLock { $0[tenant] = entry }
        return entry
    }

    static func render(_ live: TenantState.LiveUsers) -> (activeUsers: Int, sparkline: [UInt8]) {
        var json = JSONWriter(capacity: 4096)
        json.array { json in
            for point in live.sparkline {
                json.object { json in
                    json.key("minute"); json.timestamp(point.minuteStartMs)
                    json.key("users"); json.value(point.users)
                }
            }
        }
        return (live.activeUsers, json.bytes)
    }
}
