/// One change to a profile, as logged in the WAL. It carries everything it needs (note ids and
/// times are chosen before it is logged), so replaying it gives the same state.
public enum ProfileEdit: Sendable, Equatable {
    /// Sets each property given; a nil value removes the key.
    case setAccountProperties(account: String, properties: [PropertyChange])
    case setAccountOwner(account: String, owner: String)
    case addAccountNote(account: String, note: Note)
    case deleteAccountNote(account: String, noteID: UInt64)
    case setUserProperties(user: String, properties: [PropertyChange])
    case addUserNote(user: String, note: Note)
    case deleteUserNote(user: String, noteID: UInt64)

    public struct PropertyChange: Sendable, Equatable {
        public var key: String
        public var value: String?
        public init(_ key: String, _ value: String?) { self.key = key; self.value = value }
    }
}

/// Why an edit was refused; the state is unchanged.
public enum ProfileEditRefusal: Error, Sendable, Equatable {
    case unknownUser(String)
    case unknownAccount(String)
    case unknownNote(UInt64)
}

extension TenantState {
    /// The user property that also sets the user's id in the customer's own system.
    public static let externalIDProperty = "external_id"

    /// Checks an edit without applying it. Accounts may be described before their first event
    /// (firmographics usually come from a CRM first); users and notes must exist.
    public func refusal(of edit: ProfileEdit) -> ProfileEditRefusal? {
        switch edit {
        case .setAccountProperties, .setAccountOwner, .addAccountNote:
            return nil
        case .deleteAccountNote(let account, let noteID):
            guard let a = accountIndex(account) else { return .unknownAccount(account) }
            return profiles.account(a).notes.contains { $0.id == noteID } ? nil : .unknownNote(noteID)
        case .setUserProperties(let user, _), .addUserNote(let user, _):
            return knownUser(user) == nil ? .unknownUser(user) : nil
        case .deleteUserNote(let user, let noteID):
            guard let u = knownUser(user) else { return .unknownUser(user) }
            return profiles.user(u).notes.contains { $0.id == noteID } ? nil : .unknownNote(noteID)
        }
    }

    /// A user with at least one event (merges followed), by name.
    func knownUser(_ name: String) -> UInt32? {
        guard let index = userIndex(name), users.hasEvents(index.rawValue) else { return nil }
        return index.rawValue
    }

    /// The note id `addAccountNote`/`addUserNote` should carry next.
    public var nextNoteID: UInt64 { profiles.nextNoteID }

    /// Applies an edit that `refusal(of:)` accepted; a refused one changes nothing.
    public mutating func apply(_ edit: ProfileEdit) throws(ProfileEditRefusal) {
        if let refusal = refusal(of: edit) { throw refusal }
        switch edit {
        case .setAccountProperties(let account, let changes):
            let a = internAccount(account).rawValue
            for change in changes { profiles.accounts[a, default: AccountProfile()].properties[change.key] = change.value }
        case .setAccountOwner(let account, let owner):
            profiles.accounts[internAccount(account).rawValue, default: AccountProfile()].owner = owner
        case .addAccountNote(let account, let note):
            profiles.accounts[internAccount(account).rawValue, default: AccountProfile()].notes.append(note)
            profiles.nextNoteID = max(profiles.nextNoteID, note.id &+ 1)
        case .deleteAccountNote(let account, let noteID):
            profiles.accounts[accountIndex(account)!.rawValue]?.notes.removeAll { $0.id == noteID }
        case .setUserProperties(let user, let changes):
            let u = knownUser(user)!
            for change in changes {
                if change.key == Self.externalIDProperty {
                    users.setExternalID(change.value.map { externalIDs.intern($0) } ?? .max, of: u)
                } else {
                    profiles.users[u, default: UserProfile()].properties[change.key] = change.value
                }
            }
        case .addUserNote(let user, let note):
            profiles.users[knownUser(user)!, default: UserProfile()].notes.append(note)
            profiles.nextNoteID = max(profiles.nextNoteID, note.id &+ 1)
        case .deleteUserNote(let user, let noteID):
            profiles.users[knownUser(user)!]?.notes.removeAll { $0.id == noteID }
        }
        segments.refreshedDay = nil   // property rules may answer differently now
        version &+= 1
    }

    mutating func internAccount(_ name: String) -> AccountIndex {
        var copy = name
        return copy.withUTF8 { internAccount(UnsafeRawBufferPointer($0)) }
    }
}
