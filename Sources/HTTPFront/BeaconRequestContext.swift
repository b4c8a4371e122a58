import Actors
import Hummingbird

/// Per-request state: the tenant the auth middleware resolved from the API key.
public struct BeaconRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var tenant: TenantActor?
    public var apiKey: String?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The authenticated tenant; routes behind the auth middleware always have one.
    func requireTenant() throws -> TenantActor {
        guard let tenant else { throw APIError.unauthorized("missing API key") }
        return tenant
    }
}
