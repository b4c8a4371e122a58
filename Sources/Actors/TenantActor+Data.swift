import Runtime

/// Data-management edits. One that rewrites the events (delete, merge, anonymize) is rebuilt
/// beside the actor on a view of the state and installed when the state did not change
/// meanwhile; after three tries it is rebuilt on the actor, holding the tenant's other work for
/// that long.
extension TenantActor {
    public struct DataEditDone: Sendable {
        public var edit: DataEdit
        /// Events deleted or changed, and events kept (rewrites only; 0 otherwise).
        public var affected = 0
        public var kept = 0
    }

    /// `makeEdit` sees the state and the clock; for a rewrite it is asked again on each try.
    public func editData(_ makeEdit: @escaping @Sendable (TenantState, _ nowMs: Int64) throws -> DataEdit) async throws -> DataEditDone {
        try requireReady()
        let first = try makeEdit(state, clock())
        if let refusal = state.refusal(of: first) { throw refusal }
        guard Self.rewritesEvents(first) else {
            let edit = try await commit(first, refusal: nil, as: .dataEdit(first)) { try $0.apply(first, rebuilt: nil) }
            return DataEditDone(edit: edit)
        }
        for _ in 0..<3 {
            let view = state, edit = try makeEdit(state, clock())
            let rebuilt = try await ScanPool.shared.run { view.rebuilding(for: edit) }
            guard let rebuilt, state.canInstall(rebuilt) else { continue }
            _ = try await commit(edit, refusal: state.refusal(of: edit), as: .dataEdit(edit)) { try $0.apply(edit, rebuilt: rebuilt) }
            return DataEditDone(edit: edit, affected: rebuilt.affected, kept: rebuilt.kept)
        }
        logger.notice("rebuilding the events on the actor: the state kept changing", metadata: ["tenant": "\(settings.id)"])
        let edit = try makeEdit(state, clock())
        let rebuilt = state.rebuilding(for: edit)
        _ = try await commit(edit, refusal: state.refusal(of: edit), as: .dataEdit(edit)) { try $0.apply(edit, rebuilt: rebuilt) }
        return DataEditDone(edit: edit, affected: rebuilt?.affected ?? 0, kept: rebuilt?.kept ?? 0)
    }

    static func rewritesEvents(_ edit: DataEdit) -> Bool {
        switch edit {
        case .rewrite, .anonymize: true
        default: false
        }
    }
}

extension TenantActor {
    /// Checks, logs and applies a metadata edit; `makeEdit` receives the clock.
    @discardableResult
    public func editMetadata(_ makeEdit: @Sendable (_ nowMs: Int64) -> MetadataEdit) async throws -> MetadataEdit {
        try requireReady()
        let edit = makeEdit(clock())
        return try await commit(edit, refusal: state.refusal(of: edit), as: .metadataEdit(edit)) { try $0.apply(edit) }
    }
}

extension TenantActor {
    /// Checks, logs and applies a change to the pages, features or groups; `makeEdit` receives the clock.
    @discardableResult
    public func editTagging(_ makeEdit: @Sendable (_ nowMs: Int64, _ tagging: Tagging) -> TaggingEdit) async throws -> TaggingEdit {
        try requireReady()
        let edit = makeEdit(clock(), state.tagging)
        return try await commit(edit, refusal: state.refusal(of: edit), as: .taggingEdit(edit)) { try $0.apply(edit) }
    }
}

extension TenantActor {
    /// Checks, logs and applies a Personyze API edit; `makeEdit` sees the state (for ids and
    /// upserts) and the clock. User writes bring dynamic segments up to date first, as segment
    /// edits do, and count their events as an ingest does.
    @discardableResult
    public func editPersonyze(_ makeEdit: @Sendable (TenantState, _ nowMs: Int64) throws -> PersonyzeEdit) async throws -> PersonyzeEdit {
        try requireReady()
        let now = clock()
        let edit = try makeEdit(state, now)
        guard case .users(let writes) = edit else {
            return try await commit(edit, refusal: state.refusal(of: edit), as: .personyzeEdit(edit)) { try $0.apply(edit) }
        }
        if !writes.lists.isEmpty { refreshSegments() }
        try requireRoom(forBodyBytes: writes.events.reduce(0) { $0 + $1.byteCount })
        let before = state.eventsIngested
        let done = try await commit(edit, refusal: state.refusal(of: edit), as: .personyzeEdit(edit)) { try $0.apply(edit) }
        if state.eventsIngested > before { afterIngest(IngestReceipt(accepted: state.eventsIngested - before, anonymousID: nil), now: now) }
        return done
    }
}
