import Actors
import Hummingbird

/// Per-request state: the tenant the auth middleware resolved from the API key.
public struct BeaconRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var tenant: TenantActor?
    public var apiKey: String?

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

    /// The authenticated tenant; routes behind the auth middleware always have one.
    func requireTenant() throws -> TenantActor {
        guard let tenant else { throw APIError.unauthorized("missing API key") }
        return tenant
    }
}
