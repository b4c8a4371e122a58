import Foundation
import Runtime

/// Housekeeping that must happen whether or not requests arrive: retention eviction, dynamic
/// segments and nudge audiences brought up to date, journeys' daily snapshots, and snapshots due
/// by time or by event count. `TenantMaintenanceService` calls it for every tenant twenty times a
/// second; before, these ran only as side effects of ingest, so an idle tenant never evicted.
extension TenantActor {
    public func maintain() async {
        guard phase == .ready else { return }
        state.evictExpired(nowMs: clock())
        refreshIfDue()
        guard snapshotDue else { return }
        do { _ = try await snapshot() } catch {
            logger.error("scheduled snapshot failed", metadata: ["tenant": "\(settings.id)", "error": "\(error)"])
        }
    }

    /// Refreshes dynamic segments (and the audiences that follow them) and takes journeys' daily
    /// snapshots once the refresh pace says it is time; called after ingest and by maintenance.
    func refreshIfDue() {
        guard !(state.segments.isEmpty && state.journeys.byID.isEmpty),
              DispatchTime.now().uptimeNanoseconds &- lastSegmentRefresh.uptimeNanoseconds > SegmentRefreshPace.interval(lastCostNs: lastRefreshCostNs)
        else { return }
        refreshSegments()
        takeDueJourneySnapshots()
    }

    /// A snapshot is due when `snapshot_interval_s` has passed or `snapshot_every_events` events
    /// arrived since the last one (and something changed).
    var snapshotDue: Bool {
        guard let storage, !snapshotInFlight, writeState == .accepting else { return false }
        let newEvents = state.eventsIngested - eventsAtLastSnapshot
        if storage.snapshotEveryEvents > 0, newEvents >= storage.snapshotEveryEvents { return true }
        let elapsedNs = DispatchTime.now().uptimeNanoseconds &- lastSnapshotAt.uptimeNanoseconds
        return storage.snapshotIntervalSeconds > 0 && elapsedNs >= UInt64(storage.snapshotIntervalSeconds) * 1_000_000_000 && newEvents > 0
    }
}
