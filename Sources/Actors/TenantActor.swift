import Foundation
import Logging
import Metrics
import Runtime
import Snapshot
import Synchronization

/// The only owner of one tenant's mutable state. Every write and read of the tenant goes through
/// it, so they are serialized; different tenants run in parallel. A write is checked, logged to
/// the WAL, applied, and only then answered; each method finishes its mutation before any
/// suspension point.
public actor TenantActor {
    public nonisolated let settings: TenantSettings
    /// Wakes the live streams after each write (`GET /api/live/stream`).
    public nonisolated let liveChanges = LiveChanges()
    var state: TenantState
    let clock: @Sendable () -> Int64
    private let eventsCounter: Counter
    private let logsCounter: Counter
    /// Where writes are logged: the local WAL, or a replicated log in cluster mode.
    var log: (any MutationLog)?
    /// The local WAL, when that is the log (its segments are files this node rotates and deletes).
    var localWAL: WriteAheadLog? { log as? WriteAheadLog }
    private var syncer: WALSyncer?
    var storage: StorageSettings?
    var logger = Logger(label: "beacon.tenant")
    /// Set up by `recover` once there is a WAL; nil in memory-only use.
    var snapshotter: Snapshotter?
    var snapshotSchedule = SnapshotSchedule()
    private let parser = FastIngestParser()
    /// Readable without waiting for the actor, so requests during a long recovery get a quick 503.
    private nonisolated let readiness = Mutex(Readiness.ready)

    public enum Readiness: String, Sendable { case recovering, ready }

    /// - Parameter clock: the current time in epoch milliseconds (injected so tests can fix it).
    public init(settings: TenantSettings, clock: @escaping @Sendable () -> Int64 = TenantActor.systemClock) {
        self.settings = settings
        self.state = TenantState(settings: settings)
        self.clock = clock
        self.eventsCounter = Counter(label: "beacon_events_ingested_total", dimensions: [("tenant", settings.id)])
        self.logsCounter = Counter(label: "beacon_logs_ingested_total", dimensions: [("tenant", settings.id)])
    }

    static func monotonicNs() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    public static let systemClock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    public nonisolated var id: String { settings.id }

    /// The tenant's clock, in epoch milliseconds.
    public nonisolated func now() -> Int64 { clock() }

    public nonisolated var phase: Readiness { readiness.withLock { $0 } }

    /// Whether the tenant takes writes. After a failed fsync it does not until a restart
    /// recovers it from what is on disk; reads go on (readable without waiting for the actor).
    public nonisolated var writeState: WriteState {
        openLog.withLock { $0?.storageFailure }.map { .readOnly(reason: "storage failed (\($0))") } ?? .accepting
    }
    /// The log `log` holds, for `writeState`.
    private nonisolated let openLog = Mutex<(any MutationLog)?>(nil)

    public enum WriteState: Sendable, Equatable, CustomStringConvertible {
        case accepting
        case readOnly(reason: String)
        public var description: String {
            switch self {
            case .accepting: "accepting writes"
            case .readOnly: "read-only: storage failed"
            }
        }
    }

    /// Refuses requests until `recover` has run (called before the server starts listening).
    public nonisolated func markRecovering() {
        readiness.withLock { $0 = .recovering }
        writesLogged.withLock { $0 = true }
    }

    func requireReady() throws {
        if phase != .ready { throw TenantUnavailable(reason: "tenant '\(settings.id)' is recovering its data; retry shortly") }
    }

    // MARK: - Writes

    /// Whether writes go to a WAL: callers then pack bodies for it on their own task.
    public nonisolated var logsWrites: Bool { writesLogged.withLock { $0 } }
    private nonisolated let writesLogged = Mutex(false)

    /// Checks a parsed batch, logs its body, applies it whole; nothing changes when an event is invalid.
    /// - Parameters:
    ///   - body: the request body, packed for the WAL when `logsWrites` (nil otherwise).
    ///   - visitor: what tells the sending client apart (address and browser); events that name no
    ///     user get an anonymous id derived from it, so a client that never sends one stays one user.
    public func ingest(_ batch: ParsedBatch, body: PackedBody?, visitor: String? = nil) async throws -> IngestReceipt {
        try requireReady()
        try requireRoom(forBodyBytes: batch.arena.count)
        let now = clock()
        let needsAnonymous = try state.validate(batch, nowMs: now)
        let anonymousID = needsAnonymous ? AnonymousID.make(tenant: settings.id, visitor: visitor) : ""
        var sequence: UInt64?
        sequence = try logWrite {
            guard let body else { throw TenantUnavailable(reason: "the write reached the tenant without its logged form; retry") }
            return .packedIngestBody(nowMs: now, anonymousID: anonymousID, body: body)
        }
        let receipt = state.applyValidated(batch, nowMs: now, anonymousID: needsAnonymous ? anonymousID : nil)
        afterIngest(receipt, now: now)
        try await waitUntilDurable(sequence)
        return receipt
    }

    /// Checks, logs and applies events given field by field, whole or not at all.
    public func ingest(_ events: [EventInput], visitor: String? = nil) async throws -> IngestReceipt {
        try requireReady()
        try requireRoom(forBodyBytes: events.reduce(0) { $0 + $1.byteCount })
        let now = clock()
        let needsAnonymous = try state.validate(events, nowMs: now)
        let anonymousID = needsAnonymous ? AnonymousID.make(tenant: settings.id, visitor: visitor) : ""
        let sequence = try logWrite(.events(nowMs: now, anonymousID: anonymousID, events: events))
        let receipt = state.applyValidated(events, nowMs: now, anonymousID: needsAnonymous ? anonymousID : nil)
        afterIngest(receipt, now: now)
        try await waitUntilDurable(sequence)
        return receipt
    }

    /// Checks, logs and applies structured log records, whole or not at all.
    /// - Returns: how many were accepted.
    /// - Throws: `IngestValidationError` naming a record and field; the usual write refusals.
    public func ingestLogs(_ records: [LogInput]) async throws -> Int {
        try requireReady()
        try requireRoom(forBodyBytes: records.reduce(0) { $0 + $1.byteCount })
        let now = clock()
        try state.validate(records, nowMs: now)
        let sequence = try logWrite(.logs(nowMs: now, records: records))
        state.applyValidated(records, nowMs: now)
        logsCounter.increment(by: records.count)
        state.evictExpired(nowMs: now)
        try await waitUntilDurable(sequence)
        return records.count
    }

    public func merge(anonymousID: String, into user: String) async throws -> TenantState.MergeOutcome {
        try requireReady()
        try requireRoom(forBodyBytes: anonymousID.utf8.count + user.utf8.count)
        // A conflicting or repeated merge changes nothing and needs no record.
        if let refusal = state.mergeRefusal(anonymousID: anonymousID, into: user) { return refusal }
        let sequence = try logWrite(.merge(anonymousID: anonymousID, user: user))
        let outcome = state.merge(anonymousID: anonymousID, into: user)
        try await waitUntilDurable(sequence)
        return outcome
    }

    /// Checks, logs and applies a profile edit. `makeEdit` receives the next note id and the
    /// clock, so an added note's id and time are fixed before it is logged.
    public func edit(_ makeEdit: @Sendable (_ nextNoteID: UInt64, _ nowMs: Int64) -> ProfileEdit) async throws -> ProfileEdit {
        try requireReady()
        let edit = makeEdit(state.nextNoteID, clock())
        return try await commit(edit, refusal: state.refusal(of: edit), as: .profileEdit(edit)) { try $0.apply(edit) }
    }

    /// Logs a checked edit, applies it, and answers once it is as durable as the policy asks.
    func commit<Edit>(_ edit: Edit, refusal: (any Error)?, as mutation: Mutation, apply: (inout TenantState) throws -> Void) async throws -> Edit {
        if let refusal { throw refusal }
        try requireRoom(forBodyBytes: Self.editBytesBound)
        let sequence = try logWrite(mutation)
        try apply(&state)
        try await waitUntilDurable(sequence)
        return edit
    }

    /// Checks, logs and applies a segment edit; `makeEdit` receives the next segment id and the clock.
    public func editSegments(_ makeEdit: @Sendable (_ nextID: Int, _ nowMs: Int64) -> SegmentEdit) async throws -> SegmentEdit {
        try requireReady()
        refreshSegments()
        let edit = makeEdit(state.nextSegmentID, clock())
        return try await commit(edit, refusal: state.refusal(of: edit), as: .segmentEdit(edit)) { try $0.apply(edit) }
    }

    /// A read that sees dynamic segments current as of now (brought up to date first).
    public func readWithSegments<Result: Sendable>(_ body: (TenantState) throws -> Result) throws -> Result {
        try requireReady()
        refreshSegments()
        return try body(state)
    }

    var refreshPace = RefreshPace(nowNs: TenantActor.monotonicNs())
    /// Bulk deletes under way, so a request never runs twice at once.
    var deletionsRunning: Set<Int> = []
    var signalPace = RefreshPace(nowNs: TenantActor.monotonicNs())
    /// The state's version when the signal rules last ran.
    var signalsEvaluatedVersion: UInt64 = .max
    /// The latest discovery run, and the one under way.
    var discoveryRun: DiscoveryRun?
    var discoveryRunning: Task<DiscoveryRun, any Error>?

    /// Re-judges the users touched since the last refresh, then moves the audiences of the nudges
    /// that target a changed segment (the audience refresh trigger), logging each move.
    func refreshSegments() {
        refreshPace.started(nowNs: Self.monotonicNs())
        guard !state.segments.isEmpty else { return }
        defer { refreshPace.finished(nowNs: Self.monotonicNs()) }
        let now = clock()
        let changes = state.refreshSegments(nowMs: now)
        for edit in state.audienceEdits(for: changes, nowMs: now) {
            recordDerived(.nudgeEdit(edit), what: "an audience change") { try $0.apply(edit) }
        }
    }

    /// Logs and applies a record the tenant derives from its own data (audience moves, journey
    /// snapshots): written like any other, not waited for, since a lost one is worked out again
    /// after recovery.
    func recordDerived(_ mutation: Mutation, what: String, apply: (inout TenantState) throws -> Void) {
        do { _ = try logWrite(mutation, underRequestKey: false) } catch is StorageFailed {
            // Reported once by logWrite; worked out again after the restart.
        } catch {
            logger.error("could not log \(what)", metadata: ["error": "\(error)"])
        }
        try? apply(&state)
    }

    /// Checks, logs and applies a nudge edit; `makeEdit` receives the next nudge id and the clock.
    public func editNudges(_ makeEdit: @Sendable (_ nextID: Int, _ nowMs: Int64) -> NudgeEdit) async throws -> NudgeEdit {
        try await editNudges { _, nextID, nowMs in makeEdit(nextID, nowMs) }
    }

    /// The same, with `makeEdit` seeing the state (an activation records its impact baseline).
    public func editNudges(_ makeEdit: @Sendable (TenantState, _ nextID: Int, _ nowMs: Int64) -> NudgeEdit) async throws -> NudgeEdit {
        try requireReady()
        refreshSegments()
        let edit = makeEdit(state, state.nextNudgeID, clock())
        return try await commit(edit, refusal: state.refusal(of: edit), as: .nudgeEdit(edit)) { try $0.apply(edit) }
    }

    /// Checks, logs and applies a journey edit; `makeEdit` receives the next journey id and the clock.
    public func editJourneys(_ makeEdit: @Sendable (_ nextID: Int, _ nowMs: Int64) -> JourneyEdit) async throws -> JourneyEdit {
        try await editJourneys { _, nextID, nowMs in makeEdit(nextID, nowMs) }
    }

    /// The same, with `makeEdit` seeing the state (acting on a recommendation records its impact baseline).
    public func editJourneys(_ makeEdit: @Sendable (TenantState, _ nextID: Int, _ nowMs: Int64) -> JourneyEdit) async throws -> JourneyEdit {
        try requireReady()
        takeDueJourneySnapshots()
        let edit = makeEdit(state, state.nextJourneyID, clock())
        return try await commit(edit, refusal: state.refusal(of: edit), as: .journeyEdit(edit)) { try $0.apply(edit) }
    }

    /// Checks, logs and applies a mark edit; `makeEdit` receives the next mark id and the clock.
    public func editMarks(_ makeEdit: @Sendable (_ nextID: Int, _ nowMs: Int64) -> MarkEdit) async throws -> MarkEdit {
        try requireReady()
        let edit = makeEdit(state.nextMarkID, clock())
        return try await commit(edit, refusal: state.refusal(of: edit), as: .markEdit(edit)) { try $0.apply(edit) }
    }

    /// Checks, logs and applies a change of the health settings.
    public func editHealth(_ edit: HealthEdit) async throws -> HealthEdit {
        try requireReady()
        return try await commit(edit, refusal: state.refusal(of: edit), as: .healthEdit(edit)) { $0.apply(edit) }
    }

    /// Records every account's health for each day that ended since the last kept, once (logged).
    func takeDueHealthSnapshots() {
        for edit in state.dueHealthSnapshots(nowMs: clock()) {
            recordDerived(.healthEdit(edit), what: "a health snapshot") { $0.apply(edit) }
        }
    }

    /// Records each journey's funnel for the day that last ended, once (logged, like any write).
    func takeDueJourneySnapshots() {
        guard !state.journeys.byID.isEmpty else { return }
        for edit in state.dueJourneySnapshots(nowMs: clock()) {
            recordDerived(.journeyEdit(edit), what: "a journey snapshot") { try $0.apply(edit) }
        }
    }

    /// Recomputes every dynamic segment whole and moves the nudge audiences.
    public func refreshAudiences() throws -> Int {
        try requireReady()
        state.forgetSegmentRefresh()
        refreshSegments()
        return state.nudges.byID.count
    }

    func afterIngest(_ receipt: IngestReceipt, now: Int64) {
        eventsCounter.increment(by: receipt.accepted)
        state.evictExpired(nowMs: now)
        liveChanges.signal()
        // Dynamic segments follow the data even when nobody reads them (reads refresh first anyway).
        refreshIfDue()
        // Snapshots due by time or event count are taken by the maintenance service.
    }

    /// Edits are small JSON bodies; this bounds what one can add.
    private static let editBytesBound = 1 << 20
    private var memoryEstimate = 0
    private var memoryEstimatedAt: UInt64 = 0

    /// Refuses a write the tenant has no room for: past its memory budget (re-measured at most
    /// every 250 ms, since measuring walks every index) or past what its interners can address.
    func requireRoom(forBodyBytes bytes: Int) throws {
        guard state.hasInternerRoom(forBodyBytes: bytes) else {
            throw TenantFull(reason: "tenant '\(settings.id)' holds 4 GiB of distinct names or property values, the most it can address; the write was not applied (reads go on)")
        }
        let budget = settings.memoryBudgetBytes
        guard budget > 0 else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        if memoryEstimate >= budget || now &- memoryEstimatedAt > 250_000_000 {
            memoryEstimate = state.memoryBytes
            memoryEstimatedAt = now
        }
        guard memoryEstimate < budget else {
            throw TenantFull(reason: "tenant '\(settings.id)' uses \(memoryEstimate >> 20) MiB of its \(budget >> 20) MiB memory budget; the write was not applied (reads go on)")
        }
    }

    func waitUntilDurable(_ sequence: UInt64?) async throws {
        guard let sequence, let log, log.waitsForDurability else { return }
        do { try await log.waitUntilDurable(sequence) } catch let unknown as DurabilityUnknown {
            reportStorageFailure(unknown.cause)
            throw unknown
        }
    }

    /// Appends to the WAL when there is one. A refusal because storage failed is said once, loudly,
    /// whichever policy found it (under `interval` no writer waits for the fsync that failed).
    /// A write made for a request with an `Idempotency-Key` is logged together with the key (one
    /// record) and the key registered before the write applies, in the same turn of the actor: a
    /// retry can then never apply it twice, concurrent or after a crash.
    /// - Parameters:
    ///   - makeMutation: the write's record, made only when there is a log to append it to.
    ///   - underRequestKey: false for records the tenant derives on its own (audience moves,
    ///     snapshots of journeys, answers), which belong to no request's key.
    func logWrite(_ makeMutation: () throws -> Mutation, underRequestKey: Bool = true) throws -> UInt64? {
        let keyed = underRequestKey ? Self.idempotentRequest : nil
        if let keyed, state.idempotency.entry(keyed.key) != nil { throw IdempotentRepeat(key: keyed.key) }
        let atMs = clock()
        var sequence: UInt64?
        if let log {
            var record = try makeMutation()
            if let keyed { record = .idempotent(key: keyed.key, fingerprint: keyed.fingerprint, atMs: atMs, write: record) }
            do { sequence = try log.append(record) } catch let failed as StorageFailed {
                reportStorageFailure(failed.cause)
                throw failed
            }
        }
        if let keyed { state.registerIdempotencyKey(keyed.key, fingerprint: keyed.fingerprint, atMs: atMs) }
        return sequence
    }

    func logWrite(_ mutation: Mutation, underRequestKey: Bool = true) throws -> UInt64? {
        try logWrite({ mutation }, underRequestKey: underRequestKey)
    }

    private var storageFailureReported = false

    /// Says once, loudly, that the tenant went read-only.
    private func reportStorageFailure(_ cause: StorageFault) {
        guard !storageFailureReported else { return }
        storageFailureReported = true
        // The local WAL's fsync, or a cluster log that lost the tenant to another node.
        logger.critical(log is WriteAheadLog ? "WAL fsync failed: the tenant takes no writes until a restart recovers it from disk"
                                             : "the tenant's log refused a write: it takes no writes here until this node owns it again",
                        metadata: ["tenant": "\(settings.id)", "error": "\(cause)"])
    }

    // MARK: - Reads

    /// Runs a read against the current state; it sees every write acknowledged before it started.
    public func read<Result: Sendable>(_ body: (TenantState) throws -> Result) throws -> Result {
        try requireReady()
        return try body(state)
    }

    /// Events ingested, the newest event's time and memory held, for /health and /metrics.
    public func status() -> TenantStatus {
        TenantStatus(id: settings.id, name: settings.name, phase: phase, writeState: writeState, eventsIngested: state.eventsIngested,
                     eventsRetained: state.log.count, newestTimestampMs: state.newestTimestampMs,
                     users: state.users.liveCount, memoryBytes: state.memoryBytes)
    }

    // MARK: - Durability

    /// Rebuilds the tenant from its snapshot and WAL (off the actor, see `TenantRecovery`), then
    /// opens the WAL for new writes. Until it returns, the tenant answers `TenantUnavailable`.
    public func recover(storage: StorageSettings, logger: Logger) async throws -> WALReader.Report {
        readiness.withLock { $0 = .recovering }
        writesLogged.withLock { $0 = true }
        self.storage = storage
        self.logger = logger
        let recovered = try await TenantRecovery(settings: settings, storage: storage, logger: logger).run()
        state = recovered.state
        snapshotSchedule = SnapshotSchedule(storage: storage, events: state.eventsIngested, nowNs: Self.monotonicNs())
        let log = try WriteAheadLog(directory: storage.walDirectory(tenant: settings.id), policy: storage.fsync,
                                    lastSequence: max(recovered.report.lastSequence, recovered.walPosition), syncFile: storage.syncFile)
        self.log = log
        openLog.withLock { $0 = log }
        snapshotter = Snapshotter(tenant: settings.id, store: storage.snapshotStore(tenant: settings.id), log: log, sequence: recovered.snapshotSequence)
        syncer = WALSyncer(log: log, intervalMs: storage.fsyncIntervalMs)
        readiness.withLock { $0 = .ready }
        return recovered.report
    }

    /// Serves a state rebuilt elsewhere (a cluster unit's snapshot and stream, docs/cluster.md)
    /// with `log` taking its writes from now on.
    public func adopt(_ recovered: TenantState, log: any MutationLog) {
        closeLog()
        state = recovered
        self.log = log
        storageFailureReported = false
        openLog.withLock { $0 = log }
        writesLogged.withLock { $0 = true }
        readiness.withLock { $0 = .ready }
    }

    /// Stops serving the tenant (another node owns it now): its state is dropped, and requests
    /// are refused as recovering until it is adopted again.
    public func stepDown() {
        readiness.withLock { $0 = .recovering }
        closeLog()
        state = TenantState(settings: settings)
    }

    /// A copy of the state and the log sequence it includes, for a snapshot written elsewhere
    /// (the cluster's object store). The copy may hold writes not yet durable: upload it only
    /// after `waitUntilDurable(sequence)` returns.
    public func capture() -> (state: TenantState, sequence: UInt64)? {
        guard let log, log.storageFailure == nil, phase == .ready else { return nil }
        return (state, log.lastSequence)
    }

    /// Takes a final snapshot, then flushes and closes the WAL (graceful shutdown).
    public func close() async {
        if log != nil {
            do { _ = try await snapshot() } catch { logger.error("snapshot at shutdown failed", metadata: ["tenant": "\(settings.id)", "error": "\(error)"]) }
        }
        closeLog()
    }

    /// Stops the syncer and lets go of the WAL and the snapshotter.
    private func closeLog() {
        syncer?.stop()
        syncer = nil
        log = nil
        snapshotter = nil
        openLog.withLock { $0 = nil }
    }

    /// Stops the tenant for good (its product was deleted): no final snapshot, the WAL closed,
    /// and every later request refused as recovering.
    public func retire() async {
        readiness.withLock { $0 = .recovering }
        closeLog()
    }

    public struct SnapshotReport: Sendable {
        public var tenant: String
        public var file: String
        public var bytes: Int
        public var events: Int
        public var walPosition: UInt64
        /// Time the actor was held to take the copy.
        public var captureSeconds: Double
        /// Time spent encoding, compressing and writing, off the actor.
        public var writeSeconds: Double
    }

    /// Writes a snapshot: the state is copied on the actor (sealed chunks and untouched arrays are
    /// shared, not copied), then encoded, compressed and written off it while writes go on.
    /// WAL segments older than the second-newest snapshot are deleted afterwards.
    public func snapshot() async throws -> SnapshotReport? {
        guard var snapshotter, let log, !snapshotSchedule.inFlight else { return nil }
        // After a failed fsync nothing more is written to this disk; a restart recovers from what is there.
        if let failure = log.storageFailure { throw StorageFailed(tenant: settings.id, cause: failure) }
        let captureStart = Self.monotonicNs()
        let copy = state
        let position = log.lastSequence
        let header = snapshotter.nextHeader(walPosition: position, createdMs: clock())
        self.snapshotter = snapshotter
        snapshotSchedule.began(events: copy.eventsIngested, nowNs: Self.monotonicNs())
        let captureSeconds = Double(Self.monotonicNs() - captureStart) / 1e9
        defer { snapshotSchedule.ended() }
        let written = try await snapshotter.write(copy, header: header)
        let report = SnapshotReport(tenant: settings.id, file: SnapshotStore.fileName(sequence: header.sequence), bytes: written.bytes,
                                    events: copy.eventsIngested, walPosition: position, captureSeconds: captureSeconds, writeSeconds: written.seconds)
        logger.info("snapshot written", metadata: ["tenant": "\(settings.id)", "file": "\(report.file)", "mb": "\(report.bytes >> 20)",
                                                   "events": "\(report.events)", "seconds": "\(String(format: "%.2f", report.writeSeconds))"])
        return report
    }
}

public struct TenantStatus: Sendable, Equatable {
    public var id: String
    public var name: String
    public var phase: TenantActor.Readiness
    public var writeState: TenantActor.WriteState
    public var eventsIngested: Int
    public var eventsRetained: Int
    public var newestTimestampMs: Int64?
    public var users: Int
    public var memoryBytes: Int
}

/// Ids for events that arrive without a user. With a visitor (the client's address and browser)
/// the id is a stable hash of it, so repeated user-less requests from one client are one user
/// instead of a new user each (memory that only grew); without one it is random.
enum AnonymousID {
    static func make(tenant: String, visitor: String?) -> String {
        let value: UInt64
        if let visitor {
            // Stable across restarts, unlike Hasher: the id is logged and kept.
            var hash = FNV1a()
            hash.add(tenant.utf8); hash.add(0); hash.add(visitor.utf8)
            value = hash.value
        } else {
            var generator = SystemRandomNumberGenerator()
            value = generator.next()
        }
        let hex = String(value, radix: 16)
        return "anon-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
