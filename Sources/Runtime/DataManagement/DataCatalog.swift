/// What the data-management routes keep besides the events: a retention set at run time,
/// archived event types, and property metadata (docs/data-management.md).
public struct DataCatalog: Sendable, Equatable {
    /// Set through `PUT /api/data/retention`; nil: the configured retention holds.
    public package(set) var retentionDays: Int?
    /// Hidden from event-type lists, kept in the data.
    public package(set) var archivedTypes: Set<String> = []
    public package(set) var propertyMeta: [String: PropertyMeta] = [:]
    /// The key of the keyed hash anonymized users are named by; made at the first anonymization.
    public package(set) var privacyKey: [UInt8] = []

    public static let maxRetentionDays = 36_500
    public static let maxPropertyMeta = 10_000

    public init() {}
}

public struct PropertyMeta: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case `default`, verified, hidden }
    public var status: Status
    public var description: String
    public init(status: Status = .default, description: String = "") { self.status = status; self.description = description }
}

/// One data-management change, as logged in the WAL.
public enum DataEdit: Sendable, Equatable {
    case retention(days: Int)
    case archive(eventType: String, archived: Bool)
    case propertyMeta(key: String, PropertyMeta)
    /// The event type `old` is called `new` from now on: its events, and the definitions that name it.
    case renameType(old: String, new: String)
    /// Events deleted or rewritten, with the clock the indexes are rebuilt with.
    case rewrite(EventRewrite, nowMs: Int64)
    case privacyKey([UInt8])
    /// The user (by id, so the record holds no email) is called `name` from now on, their events
    /// lose their properties and the email leaves every property value (docs/privacy.md).
    case anonymize(user: UInt32, name: String, nowMs: Int64)
}

public enum DataEditRefusal: Error, Sendable, Equatable {
    case unknownEventType(String)
    /// A rename onto a type that exists (a merge does that).
    case typeExists(String)
    case sameName(String)
    case tooMany(String)
    case unknownUser(String)
    /// The hash name is somebody's already (the user was anonymized before).
    case nameTaken(String)
}

extension TenantState {
    /// A catalog read from a snapshot, with the retention it sets.
    package mutating func adopt(_ loaded: DataCatalog) {
        catalog = loaded
        if let days = loaded.retentionDays { settings.retentionDays = days }
    }

    public func refusal(of edit: DataEdit) -> DataEditRefusal? {
        switch edit {
        case .retention, .archive: return nil
        case .privacyKey(let key): return key.count == 32 ? nil : .tooMany("privacy key bytes")
        case .anonymize(let user, let name, _):
            guard Int(user) < users.count, users.summaries[Int(user)].isKnown(id: Int(user)) else { return .unknownUser(String(user)) }
            return userNames.lookup(name) == nil ? nil : .nameTaken(name)
        case .propertyMeta(let key, _):
            return catalog.propertyMeta[key] == nil && catalog.propertyMeta.count >= DataCatalog.maxPropertyMeta ? .tooMany("property metadata") : nil
        case .renameType(let old, let new):
            if old == new { return .sameName(new) }
            guard eventTypeNames.lookup(old) != nil else { return .unknownEventType(old) }
            return eventTypeNames.lookup(new) == nil ? nil : .typeExists(new)
        case .rewrite(let rewrite, _):
            switch rewrite {
            case .delete, .deleteUsers, .deleteAccounts, .deleteEvents: return nil
            case .mergeTypes(let source, let target):
                if source == target { return .sameName(target) }
                return eventTypeNames.lookup(source) == nil ? .unknownEventType(source) : nil
            case .mergeProperties(let type, let source, let target):
                if source == target { return .sameName(target) }
                if let type, eventTypeNames.lookup(type) == nil { return .unknownEventType(type) }
                return nil
            }
        }
    }

    /// Applies an edit inline (a rewrite rebuilds the indexes here: replay, and writes that could
    /// not be rebuilt beside the actor).
    public mutating func apply(_ edit: DataEdit) throws(DataEditRefusal) {
        try apply(edit, rebuilt: nil)
    }

    /// The rebuild an edit needs, if it rewrites the events.
    public func rebuilding(for edit: DataEdit) -> RebuiltEvents? {
        switch edit {
        case .rewrite(let rewrite, let nowMs): rebuildingEvents(rewrite, nowMs: nowMs)
        case .anonymize(let user, let name, let nowMs): rebuildingForAnonymize(user: user, as: name, nowMs: nowMs)
        default: nil
        }
    }

    /// Applies an edit; a rewrite's indexes come `rebuilt` beside the actor from this very state.
    public mutating func apply(_ edit: DataEdit, rebuilt: RebuiltEvents?) throws(DataEditRefusal) {
        if let refusal = refusal(of: edit) { throw refusal }
        switch edit {
        case .retention(let days):
            catalog.retentionDays = days
            settings.retentionDays = days
        case .archive(let type, let archived):
            if archived { catalog.archivedTypes.insert(type) } else { catalog.archivedTypes.remove(type) }
        case .propertyMeta(let key, let meta):
            catalog.propertyMeta[key] = meta.status == .default && meta.description.isEmpty ? nil : meta
        case .renameType(let old, let new):
            renameEventType(old, to: new)
            // The page day index knows page views by type: a rename into or out of them redoes it.
            if PendoIDs.pageViewTypes.contains(old) || PendoIDs.pageViewTypes.contains(new) { rebuildPageDays() }
            if ProductStatsIndex.Metric(eventType: old) != nil || ProductStatsIndex.Metric(eventType: new) != nil { rebuildProductStats() }
        case .rewrite(let rewrite, let nowMs):
            install(rebuilt ?? rebuildingEvents(rewrite, nowMs: nowMs), for: rewrite)
            return
        case .privacyKey(let key):
            catalog.privacyKey = key
        case .anonymize(let user, let name, let nowMs):
            install(rebuilt ?? rebuildingForAnonymize(user: user, as: name, nowMs: nowMs))
            finishAnonymizing(user: user, as: name)
            return
        }
        version &+= 1
    }

    /// After a type merge the source's name goes from the definitions too, as after a rename.
    private mutating func install(_ rebuilt: RebuiltEvents, for rewrite: EventRewrite) {
        // Who is deleted is settled before the rebuild goes in (an alias resolves through its merge).
        let deletedUsers: [UInt32] = if case .deleteUsers(let names) = rewrite { names.compactMap { userIndex($0)?.rawValue } } else { [] }
        install(rebuilt)
        switch rewrite {
        case .mergeTypes(let source, let target): renameDefinitions(source, to: target)
        case .deleteUsers: forget(users: Set(deletedUsers))
        case .deleteAccounts(let names):
            for a in names.compactMap({ accountIndex($0) }) { profiles.accounts[a.rawValue] = nil }
        default: break
        }
    }

    /// The interned name changes in place (ids stay, so no event or index changes), then every
    /// definition that names the type.
    private mutating func renameEventType(_ old: String, to new: String) {
        eventTypeNames = eventTypeNames.renaming(eventTypeNames.lookup(old)!, to: new)   // refusal(of:) checked it exists
        eventsRewritten &+= 1
        renameDefinitions(old, to: new)
    }

    /// Journey steps, success events (and their discoveries), archived types, labels and
    /// `event:<type>` alert and goal metrics that name `old` name `new`.
    private mutating func renameDefinitions(_ old: String, to new: String) {
        journeys.renameEventType(old, to: new)
        discoveries.renameEventType(old, to: new)
        if catalog.archivedTypes.remove(old) != nil { catalog.archivedTypes.insert(new) }
        workspace.renameEventType(old, to: new)
    }
}
