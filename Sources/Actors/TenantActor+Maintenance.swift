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
        await resumePendingDeletions()
        guard snapshotDue else { return }
        do { _ = try await snapshot() } catch {
            logger.error("scheduled snapshot failed", metadata: ["tenant": "\(settings.id)", "error": "\(error)"])
        }
    }

    /// Refreshes dynamic segments (and the audiences that follow them) and takes journeys' daily
    /// snapshots once the refresh pace says it is time; called after ingest and by maintenance.
    func refreshIfDue() {
        evaluateSignals()
        startDiscoveriesIfDue()
        guard refreshPace.isDue(nowNs: Self.monotonicNs()) else { return }
        takeDueHealthSnapshots()
        guard !(state.segments.isEmpty && state.journeys.byID.isEmpty) else { return }
        refreshSegments()
        takeDueJourneySnapshots()
    }

    /// Whether `SnapshotSchedule` says a snapshot is due, for a tenant that stores and takes writes.
    var snapshotDue: Bool {
        storage != nil && writeState == .accepting && snapshotSchedule.isDue(events: state.eventsIngested, nowNs: Self.monotonicNs())
    }
}
