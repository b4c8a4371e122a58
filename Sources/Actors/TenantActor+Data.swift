import Runtime

/// Data-management edits. A rewrite of the events (delete, merge) is rebuilt beside the actor on
/// a view of the state and installed when nothing it depends on changed meanwhile; after three
/// tries it is rebuilt on the actor, holding the tenant's other work for that long.
extension TenantActor {
    public struct DataEditDone: Sendable {
        public var edit: DataEdit
        /// Events deleted or changed, and events kept (rewrites only; 0 otherwise).
        public var affected = 0
        public var kept = 0
    }

    public func editData(_ makeEdit: @Sendable (TenantState, _ nowMs: Int64) throws -> DataEdit) async throws -> DataEditDone {
        try requireReady()
        let first = try makeEdit(state, clock())
        if let refusal = state.refusal(of: first) { throw refusal }
        guard case .rewrite(let rewrite, _) = first else {
            let edit = try await commit(first, refusal: nil, as: .dataEdit(first)) { try $0.apply(first, rebuilt: nil) }
            return DataEditDone(edit: edit)
        }
        for _ in 0..<3 {
            let view = state, now = clock()
            let rebuilt = try await ScanPool.shared.run { view.rebuildingEvents(rewrite, nowMs: now) }
            let edit = DataEdit.rewrite(rewrite, nowMs: now)
            guard state.canInstall(rebuilt) else { continue }
            _ = try await commit(edit, refusal: state.refusal(of: edit), as: .dataEdit(edit)) { try $0.apply(edit, rebuilt: rebuilt) }
            return DataEditDone(edit: edit, affected: rebuilt.affected, kept: rebuilt.kept)
        }
        let now = clock(), edit = DataEdit.rewrite(rewrite, nowMs: now)
        logger.notice("rebuilding the events on the actor: they kept changing", metadata: ["tenant": "\(settings.id)"])
        let rebuilt = state.rebuildingEvents(rewrite, nowMs: now)
        _ = try await commit(edit, refusal: state.refusal(of: edit), as: .dataEdit(edit)) { try $0.apply(edit, rebuilt: rebuilt) }
        return DataEditDone(edit: edit, affected: rebuilt.affected, kept: rebuilt.kept)
    }
}
