import Runtime

/// Signals (and impact outcomes and alert firings): the rules run as data arrives, at a pace stretched by what a run costs (like the
/// segments' refresh), and before every read when the data changed since the last run; what they
/// raise and clear is logged like any derived record. Dismissing and acting are edits.
extension TenantActor {
    /// Runs the rules when the pace allows (or `evenIfNotDue`), unless the data is what they last saw.
    func evaluateSignals(evenIfNotDue: Bool = false) {
        let now = Self.monotonicNs()
        guard state.version != signalsEvaluatedVersion, evenIfNotDue || signalPace.isDue(nowNs: now) else { return }
        signalPace.started(nowNs: now)
        defer { signalPace.finished(nowNs: Self.monotonicNs()) }
        let nowMs = clock()
        for edit in state.dueSignalEdits(nowMs: nowMs) {
            recordDerived(.signalEdit(edit), what: "a signal") { try $0.apply(edit) }
        }
        for edit in state.dueImpactEdits(nowMs: nowMs) {
            recordDerived(.impactEdit(edit), what: "an impact outcome") { try $0.apply(edit) }
        }
        for edit in state.dueAlertFirings(nowMs: nowMs) {
            recordDerived(.workspaceEdit(edit), what: "an alert firing") { try $0.apply(edit) }
        }
        signalsEvaluatedVersion = state.version
    }

    /// Checks, logs and applies a dismissal or an action on a signal; `makeEdit` sees the state
    /// (an action records its metric as it stands) and the clock.
    public func editSignals(_ makeEdit: @Sendable (TenantState, _ nowMs: Int64) throws -> SignalEdit) async throws -> SignalEdit {
        try requireReady()
        evaluateSignals(evenIfNotDue: true)
        let edit = try makeEdit(state, clock())
        return try await commit(edit, refusal: state.refusal(of: edit), as: .signalEdit(edit)) { try $0.apply(edit) }
    }

    /// Sets an action's outcome by hand.
    public func editImpact(_ makeEdit: @Sendable (TenantState, _ nowMs: Int64) -> ImpactEdit) async throws -> ImpactEdit {
        try requireReady()
        evaluateSignals(evenIfNotDue: true)
        let edit = makeEdit(state, clock())
        return try await commit(edit, refusal: state.refusal(of: edit), as: .impactEdit(edit)) { try $0.apply(edit) }
    }
}

extension TenantActor {
    /// Checks, logs and applies a workspace edit; `makeEdit` sees the state and receives the next id and the clock.
    public func editWorkspace(_ makeEdit: @Sendable (TenantState, _ nextID: Int, _ nowMs: Int64) throws -> WorkspaceEdit) async throws -> WorkspaceEdit {
        try requireReady()
        let edit = try makeEdit(state, state.nextWorkspaceID, clock())
        return try await commit(edit, refusal: state.refusal(of: edit), as: .workspaceEdit(edit)) { try $0.apply(edit) }
    }
}
