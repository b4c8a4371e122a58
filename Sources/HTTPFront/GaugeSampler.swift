import Actors
import Foundation
import Metrics

/// Gauges read when /metrics is scraped: tenants, events, users and memory.
enum GaugeSampler {
    static func sample(_ registry: TenantRegistry) async {
        Gauge(label: "beacon_tenants").record(registry.tenants.count)
        for tenant in registry.tenants {
            let status = await tenant.status()
            let dimensions = [("tenant", status.id)]
            Gauge(label: "beacon_events_retained", dimensions: dimensions).record(status.eventsRetained)
            Gauge(label: "beacon_users", dimensions: dimensions).record(status.users)
            Gauge(label: "beacon_tenant_memory_bytes", dimensions: dimensions).record(status.memoryBytes)
        }
        Gauge(label: "beacon_resident_memory_bytes").record(residentMemoryBytes())
    }

    /// Resident set size from /proc/self/statm (Linux); 0 elsewhere.
    static func residentMemoryBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
