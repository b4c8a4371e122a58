import Foundation
import Runtime

/// Discoveries are worked out beside the actor on a view of the state, split across the cores by
/// event type, at most once a minute while the data changes (and at once when a success event
/// comes or goes). What a run finds first becomes a record, logged like any derived record.
extension TenantActor {
    static let discoveryMinimumGapNs: UInt64 = 60_000_000_000

    /// Whether the latest run still answers: same success events, and the same data or less than a minute old.
    private var discoveryRunIsCurrent: Bool {
        guard let run = discoveryRun, run.definitionsVersion == state.discoveries.definitionsVersion else { return false }
        return run.dataStamp == state.dataStamp || Self.monotonicNs() &- run.computedNs < Self.discoveryMinimumGapNs
    }

    /// The latest run (made now when it no longer answers) and the records.
    public func discoveryAnswer() async throws -> (run: DiscoveryRun, discoveries: Discoveries) {
        try requireReady()
        if discoveryRunIsCurrent, let run = discoveryRun { return (run, state.discoveries) }
        let run = try await runDiscoveries()
        return (run, state.discoveries)
    }

    /// Starts a run in the background when the data changed and the last is a minute old.
    func startDiscoveriesIfDue() {
        guard !state.discoveries.successEvents.isEmpty, discoveryRunning == nil, !discoveryRunIsCurrent else { return }
        Task { _ = try? await self.runDiscoveries() }
    }

    private func runDiscoveries() async throws -> DiscoveryRun {
        if let running = discoveryRunning { return try await running.value }
        let view = state, nowMs = clock(), startNs = Self.monotonicNs()
        let task = Task { try await ScanPool.shared.run { Self.discoveryRun(view, nowMs: nowMs, startNs: startNs) } }
        discoveryRunning = task
        let result = await task.result
        discoveryRunning = nil
        let run = try result.get()
        discoveryRun = run
        if let edit = state.discoveryEdit(for: run.findings, nowMs: nowMs) {
            recordDerived(.discoveryEdit(edit), what: "discoveries") { try $0.apply(edit) }
        }
        return run
    }

    private static func discoveryRun(_ view: TenantState, nowMs: Int64, startNs: UInt64) -> DiscoveryRun {
        var cohorts: [Int: DiscoveryRun.Cohort] = [:]
        var findings: [DiscoveryFinding] = []
        for success in view.discoveries.successEvents.values.sorted(by: { $0.id < $1.id }) {
            let cohort = view.discoveryCohort(success, nowMs: nowMs)
            cohorts[success.id] = DiscoveryRun.Cohort(users: cohort.users, reached: cohort.reachedUsers)
            let parts = SplitScan.runNumbered(view) { state, i in state.discoveryFindings(cohort, part: i, of: SplitScan.parts) }
            findings += TenantState.rankedDiscoveryFindings(parts)
        }
        let endNs = monotonicNs()
        return DiscoveryRun(definitionsVersion: view.discoveries.definitionsVersion, dataStamp: view.dataStamp, computedMs: nowMs,
                            computedNs: endNs, durationMs: Double(endNs &- startNs) / 1e6, cohorts: cohorts, findings: findings)
    }

    /// Checks, logs and applies a discovery edit; `makeEdit` sees the state and receives the next id and the clock.
    public func editDiscoveries(_ makeEdit: @Sendable (TenantState, _ nextID: Int, _ nowMs: Int64) throws -> DiscoveryEdit) async throws -> DiscoveryEdit {
        try requireReady()
        let edit = try makeEdit(state, state.discoveries.nextID, clock())
        return try await commit(edit, refusal: state.refusal(of: edit), as: .discoveryEdit(edit)) { try $0.apply(edit) }
    }
}
