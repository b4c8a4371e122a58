import Runtime

/// Bulk deletes of visitors or accounts (the Pendo-compatible API): a request is logged and its
/// ids marked Do Not Process at once; the deletion runs after, as a rewrite of the events beside
/// the actor, then every older copy on disk is erased, as for an anonymization (docs/privacy.md).
extension TenantActor {
    /// Logs the request and returns it, pending. Refused when an id is in a request not yet completed.
    public func requestDeletion(_ kind: Metadata.Kind, ids: [String]) async throws -> Metadata.Deletion {
        try requireReady()
        let deletion = Metadata.Deletion(id: state.metadata.nextDeletionID, kind: kind, ids: ids, requestedMs: clock())
        let edit = MetadataEdit.requestDeletion(deletion)
        try await commit(edit, refusal: state.refusal(of: edit), as: .metadataEdit(edit)) { try $0.apply(edit) }
        return deletion
    }

    /// Deletes what request `id` names and records its completion; a completed one is left alone.
    public func completeDeletion(_ id: Int) async throws {
        try requireReady()
        guard let deletion = state.metadata.deletions[id], deletion.completedMs == nil, deletionsRunning.insert(id).inserted else { return }
        defer { deletionsRunning.remove(id) }
        let rewrite: EventRewrite = deletion.kind == .visitor ? .deleteUsers(deletion.ids) : .deleteAccounts(deletion.ids)
        let done = try await editData { _, now in .rewrite(rewrite, nowMs: now) }
        _ = try await eraseOlderCopies()
        let edit = MetadataEdit.completeDeletion(id: id, atMs: clock(), eventsDeleted: done.affected)
        try await commit(edit, refusal: state.refusal(of: edit), as: .metadataEdit(edit)) { try $0.apply(edit) }
    }

    /// Completes the requests a crash or restart left pending (maintenance calls it).
    func resumePendingDeletions() async {
        for id in state.metadata.deletions.values.filter({ $0.completedMs == nil }).map(\.id).sorted() where !deletionsRunning.contains(id) {
            do { try await completeDeletion(id) } catch {
                logger.error("bulk delete failed", metadata: ["tenant": "\(settings.id)", "request": "\(id)", "error": "\(error)"])
            }
        }
    }
}
