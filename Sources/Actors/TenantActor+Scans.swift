import Runtime

/// Long reads (paths, funnels, trends, event queries, user detail, nudge and journey listings)
/// run beside the actor, not inside it. The actor captures the state (a copy that shares every
/// buffer: sealed chunks never change, and the actor's next write copies only what it touches),
/// and the scan runs on the scan pool while the actor goes on taking writes and short reads.
extension TenantActor {
    /// What a scan needs brought up to date before the view is captured.
    public enum ScanPreparation: Sendable {
        case none
        /// Dynamic segments current as of now.
        case segments
        /// Segments current and the journeys' daily snapshots taken.
        case journeys
        /// The accounts' daily health scores taken.
        case health
        /// The signal rules run on the data as it is.
        case signals
    }

    /// Runs `body` on an immutable view of the state, off the actor.
    public func scan<Answer: Sendable>(_ preparation: ScanPreparation = .none,
                                       _ body: @escaping @Sendable (TenantState) throws -> Answer) async throws -> Answer {
        let view = try captureView(preparation)
        return try await ScanPool.shared.run { try body(view) }
    }

    /// A scan split across the cores: `part` runs once per slice of the event log, `finish` puts
    /// the parts together; all of it off the actor.
    public func scanSplit<Part: Sendable, Answer: Sendable>(_ part: @escaping @Sendable (TenantState, Range<Int>) -> Part,
                                                            finish: @escaping @Sendable ([Part], TenantState) throws -> Answer) async throws -> Answer {
        let view = try captureView(.none)
        return try await ScanPool.shared.run { try finish(SplitScan.run(view, part), view) }
    }

    /// A scan split across the cores by part number (`0..<SplitScan.parts`), off the actor.
    public func scanNumbered<Part: Sendable, Answer: Sendable>(_ part: @escaping @Sendable (TenantState, Int) -> Part,
                                                               finish: @escaping @Sendable ([Part], TenantState) throws -> Answer) async throws -> Answer {
        let view = try captureView(.none)
        return try await ScanPool.shared.run { try finish(SplitScan.runNumbered(view, part), view) }
    }

    /// A read under the global filters (`industry`, `company_size`, `owner_email`, `segment_id`):
    /// segments brought up to date when one is named, and `UnknownSegment` when it does not exist.
    /// - Parameter offActor: whether the read scans the log (then it runs on the scan pool).
    public func filtered<Answer: Sendable>(_ filter: AccountFilter, offActor: Bool = false,
                                           _ body: @escaping @Sendable (TenantState) -> Answer) async throws -> Answer {
        let guarded = { @Sendable (state: TenantState) throws -> Answer in
            if let id = filter.segment, state.segments.byID[id] == nil { throw UnknownSegment(id: id) }
            return body(state)
        }
        let preparation: ScanPreparation = filter.segment == nil ? .none : .segments
        if offActor { return try await scan(preparation, guarded) }
        let view = try captureView(preparation)
        return try guarded(view)
    }

    private func captureView(_ preparation: ScanPreparation) throws -> TenantState {
        try requireReady()
        switch preparation {
        case .none: break
        case .segments: refreshSegments()
        case .journeys: refreshSegments(); takeDueJourneySnapshots()
        case .health: takeDueHealthSnapshots()
        case .signals: takeDueHealthSnapshots(); evaluateSignals(evenIfNotDue: true)
        }
        return state
    }
}

/// A global filter named a segment that does not exist.
public struct UnknownSegment: Error, CustomStringConvertible {
    public var id: Int
    public var description: String { "segment_id: no segment \(id)" }
}

extension TenantActor {
    /// An immutable view of the state for a read that outlives one scan (a streamed export): it
    /// shares every buffer, and the actor's next writes copy only what they touch.
    public func view(_ preparation: ScanPreparation = .none) throws -> TenantState {
        try captureView(preparation)
    }
}
