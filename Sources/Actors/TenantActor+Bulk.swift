import Runtime

/// Many profile edits as one write: all are checked first, then logged in one WAL record and
/// applied together, or none is (docs/bulk.md).
extension TenantActor {
    /// Edit `index` (0-based) was refused; nothing was applied.
    public struct BulkRefusal: Error, Sendable {
        public var index: Int
        public var refusal: ProfileEditRefusal
    }

    public func editProfiles(_ edits: [ProfileEdit]) async throws -> Int {
        try requireReady()
        for (i, edit) in edits.enumerated() {
            if let refusal = state.refusal(of: edit) { throw BulkRefusal(index: i, refusal: refusal) }
        }
        try requireRoom(forBodyBytes: edits.reduce(0) { $0 + Self.bytes(of: $1) })
        let sequence = try logWrite(.profileEdits(edits))
        for edit in edits { try state.apply(edit) }
        try await waitUntilDurable(sequence)
        return edits.count
    }

    private static func bytes(of edit: ProfileEdit) -> Int {
        switch edit {
        case .setUserProperties(let name, let changes), .setAccountProperties(let name, let changes):
            name.utf8.count + changes.reduce(0) { $0 + $1.key.utf8.count + ($1.value?.utf8.count ?? 0) + 16 }
        default: 256
        }
    }
}
