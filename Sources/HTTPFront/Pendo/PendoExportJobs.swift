import Foundation

/// Segment exports started through the Pendo-compatible API. The seed makes an export a job
/// polled for status, then fetched; Beacon reads the members when the job starts, so a job is
/// complete as soon as it has an id. Jobs live in memory, the newest `capacity` of them, and do
/// not survive a restart: an export is a fresh read that can always be started again.
actor PendoExportJobs {
    struct Job: Sendable {
        var tenant: String
        var segment: Int
        var visitors: [String]
    }

    private var jobs: [String: Job] = [:]
    private var order: [String] = []
    let capacity: Int

    init(capacity: Int = 64) { self.capacity = capacity }

    func start(tenant: String, segment: Int, visitors: [String]) -> String {
        let id = UUID().uuidString.lowercased()
        jobs[id] = Job(tenant: tenant, segment: segment, visitors: visitors)
        order.append(id)
        if order.count > capacity { jobs[order.removeFirst()] = nil }
        return id
    }

    /// A job of `tenant`'s only: another tenant's id reads as unknown.
    func job(_ id: String, tenant: String) -> Job? {
        guard let job = jobs[id], job.tenant == tenant else { return nil }
        return job
    }
}
