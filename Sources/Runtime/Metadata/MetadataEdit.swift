/// One change to the metadata schema or flags, as logged in the WAL (type 22).
public enum MetadataEdit: Sendable, Equatable {
    /// Creates the fields, or undeletes them (with the new display name and type).
    case defineFields(kind: Metadata.Kind, group: Metadata.Group, fields: [Metadata.Field])
    case deleteField(kind: Metadata.Kind, group: Metadata.Group, name: String, nowMs: Int64)
    case setFlag(flag: Metadata.Flag, kind: Metadata.Kind, id: String, on: Bool)
    /// A bulk delete asked for: its ids are marked Do Not Process at once.
    case requestDeletion(Metadata.Deletion)
    case completeDeletion(id: Int, atMs: Int64, eventsDeleted: Int)
}

public enum MetadataEditRefusal: Error, Sendable, Equatable {
    case tooManyFields(limit: Int)
    case unknownField(String)
    case tooManyFlagged(limit: Int)
    case deletionPending(String)
    case unknownDeletion(Int)
}

extension TenantState {
    public func refusal(of edit: MetadataEdit) -> MetadataEditRefusal? {
        switch edit {
        case .defineFields(let kind, let group, let fields):
            guard fields.count <= Metadata.maxFieldsPerWrite else { return .tooManyFields(limit: Metadata.maxFieldsPerWrite) }
            let live = Set(metadata.schema(kind, group).map(\.name))
            return live.union(fields.map(\.name)).count > Metadata.maxFieldsPerGroup ? .tooManyFields(limit: Metadata.maxFieldsPerGroup) : nil
        case .deleteField(let kind, let group, let name, _):
            return metadata.fields[Metadata.FieldKey(kind, group, name)] == nil ? .unknownField(name) : nil
        case .setFlag(let flag, let kind, let id, let on):
            return on && !metadata.isFlagged(flag, kind, id) && metadata.ids(flag, kind).count >= Metadata.maxFlagged ? .tooManyFlagged(limit: Metadata.maxFlagged) : nil
        case .requestDeletion(let deletion):
            let pending = metadata.pendingDeletion(deletion.kind)
            return deletion.ids.first(where: pending.contains).map(MetadataEditRefusal.deletionPending)
        case .completeDeletion(let id, _, _):
            return metadata.deletions[id] == nil ? .unknownDeletion(id) : nil
        }
    }

    public mutating func apply(_ edit: MetadataEdit) throws(MetadataEditRefusal) {
        if let refusal = refusal(of: edit) { throw refusal }
        switch edit {
        case .defineFields(let kind, let group, let fields):
            for field in fields { metadata.fields[Metadata.FieldKey(kind, group, field.name)] = field }
        case .deleteField(let kind, let group, let name, let nowMs):
            let key = Metadata.FieldKey(kind, group, name)
            metadata.fields[key]!.deleted = true
            metadata.fields[key]!.updatedMs = nowMs
        case .setFlag(let flag, let kind, let id, let on):
            let key = Metadata.FlagKey(flag, kind)
            if on { metadata.flagged[key, default: []].insert(id) } else { metadata.flagged[key]?.remove(id) }
            if metadata.flagged[key]?.isEmpty == true { metadata.flagged[key] = nil }
        case .requestDeletion(let deletion):
            metadata.deletions[deletion.id] = deletion
            for id in deletion.ids { metadata.flagged[Metadata.FlagKey(.doNotProcess, deletion.kind), default: []].insert(id) }
        case .completeDeletion(let id, let atMs, let eventsDeleted):
            metadata.deletions[id]!.completedMs = atMs
            metadata.deletions[id]!.eventsDeleted = eventsDeleted
        }
        version &+= 1
    }

    /// Whether an event of `user` (or on `account`) is dropped at ingest: Do Not Process.
    @inline(__always)
    func dropsEvent(user: UInt32, account: AccountIndex) -> Bool {
        guard metadata.dropsEvents else { return false }
        if metadata.isFlagged(.doNotProcess, .visitor, userNames.string(user)) { return true }
        return account != .none && metadata.isFlagged(.doNotProcess, .account, accountNames.string(account.rawValue))
    }

    /// Whether `user` opted out of guides, themselves or through the account they last used.
    public func optedOutOfGuides(_ name: String) -> Bool {
        if metadata.isFlagged(.guideOptOut, .visitor, name) { return true }
        guard !metadata.ids(.guideOptOut, .account).isEmpty, let u = userIndex(name)?.rawValue, users[u].account != AccountIndex.none.rawValue else { return false }
        return metadata.isFlagged(.guideOptOut, .account, accountNames.string(users[u].account))
    }
}
