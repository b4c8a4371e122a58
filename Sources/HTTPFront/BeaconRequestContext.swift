import Actors
import Runtime
import Hummingbird

/// Per-request state: the tenant, role and member the auth middleware resolved from the API key.
public struct BeaconRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var tenant: TenantActor?
    public var apiKey: String?
    /// The least until the auth middleware has read the key.
    public var role = Role.viewer
    /// Who the key acts as (`APIKeyGrant.member`).
    public var member = ""

    /// A public key (`APIKeyGrant.isPublic`): only ingest and nudge routes.
    public var isPublicKey = false
    /// An SDK route's body, parsed once by `SDKRequestMiddleware`.
    var sdkBody: JSONValue?
    /// An SDK route's body as the fast path translated it (`SDKTranslator`), when it could.
    var sdkFast: SDKTranslatedBatch?
    /// The key an SDK route's request carries where its SDK puts it (`SDKRequestMiddleware`).
    var sdkKey: String?

    /// The peer's IP address, when the connection has one.
    public var remoteAddress: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// What tells a sending client apart when it names no user: its address and browser.
    func visitor(_ request: Request) -> String? {
        guard let remoteAddress else { return nil }
        return remoteAddress + "|" + (request.headers[.userAgent] ?? "")
    }

    /// A 403 unless the caller may change a thing `owner` created: its owner (an editor or above) or an admin.
    /// A thing without an owner (made before owners were kept) is the admins' alone.
    func requireOwnerOrAdmin(_ owner: String?, of what: String) throws {
        if role == .admin || (role >= .editor && owner == member) { return }
        throw APIError.forbidden("only the \(what)'s owner or an admin may change it")
    }

    /// The authenticated tenant; routes behind the auth middleware always have one.
    func requireTenant() throws -> TenantActor {
        guard let tenant else { throw APIError.unauthorized("missing API key") }
        return tenant
    }
}
