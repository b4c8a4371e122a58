/// What people tell Beacon about users and accounts, beside what events say: properties set
/// through the API (firmographics, names), the account's customer-success owner, and notes.
/// Small and edited rarely, so plain dictionaries keyed by the dense index.
public struct Profiles: Sendable, Equatable {
    public package(set) var accounts: [UInt32: AccountProfile] = [:]
    public package(set) var users: [UInt32: UserProfile] = [:]
    /// The id the next note gets; ids are never reused within a tenant.
    public package(set) var nextNoteID: UInt64 = 1

    public init() {}

    public func account(_ account: AccountIndex) -> AccountProfile { accounts[account.rawValue] ?? AccountProfile() }
    public func user(_ user: UInt32) -> UserProfile { users[user] ?? UserProfile() }
}

public struct Note: Sendable, Equatable {
    public var id: UInt64
    public var content: String
    public var createdMs: Int64

    public init(id: UInt64, content: String, createdMs: Int64) { self.id = id; self.content = content; self.createdMs = createdMs }
}

public struct AccountProfile: Sendable, Equatable {
    public var properties: [String: String] = [:]
    public var owner: String?
    public var notes: [Note] = []

    public init(properties: [String: String] = [:], owner: String? = nil, notes: [Note] = []) {
        self.properties = properties; self.owner = owner; self.notes = notes
    }
}

public struct UserProfile: Sendable, Equatable {
    public var properties: [String: String] = [:]
    public var notes: [Note] = []

    public init(properties: [String: String] = [:], notes: [Note] = []) { self.properties = properties; self.notes = notes }
}
