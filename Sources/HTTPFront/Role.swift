import Runtime

/// What an API key may do, in the order the metrics API's docs give (each includes the ones below):
/// a viewer reads, an editor also writes and edits what it owns, an admin edits anything.
public enum Role: Int, Sendable, Comparable, CaseIterable {
    case viewer = 0, editor, admin

    public var name: String {
        switch self {
        case .viewer: "viewer"
        case .editor: "editor"
        case .admin: "admin"
        }
    }

    public init?(name: String) {
        guard let role = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = role
    }

    public static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }
}

/// The role and member name an API key carries (config.json `tenants[].api_keys[]`).
public struct APIKeyGrant: Sendable, Equatable {
    public var role: Role
    /// Who the key acts as: the owner of what it creates and the creator of private marks.
    public var member: String

    /// A public key (config.json `public_keys`): shipped in web pages, so it may only send events
    /// and ask which nudges to show (`PublicKeyMiddleware`).
    public var isPublic = false

    public init(role: Role, member: String, isPublic: Bool = false) { self.role = role; self.member = member; self.isPublic = isPublic }

    /// A public key acts as an editor of its own events, on the few routes it may use.
    public static func publicIngest(_ key: String) -> APIKeyGrant {
        APIKeyGrant(role: .editor, member: defaultMember(for: key), isPublic: true)
    }

    /// A bare key: an admin, named after a hash of the key so the key itself is never shown.
    public static func bare(_ key: String) -> APIKeyGrant {
        APIKeyGrant(role: .admin, member: defaultMember(for: key))
    }

    /// `key-` and 16 hex digits of the key's FNV-1a hash: stable across restarts, since it is stored as owner.
    public static func defaultMember(for key: String) -> String {
        var hash = FNV1a()
        hash.add(key.utf8)
        let hex = String(hash.value, radix: 16)
        return "key-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
