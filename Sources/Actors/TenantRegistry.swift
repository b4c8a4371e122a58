import Runtime

/// Maps API keys and tenant ids to tenant actors. Built once at start; immutable afterwards.
public struct TenantRegistry: Sendable {
    public let tenants: [TenantActor]
    private let byKey: [String: TenantActor]
    private let byID: [String: TenantActor]

    public struct Entry: Sendable {
        public var settings: TenantSettings
        public var apiKeys: [String]
        public init(settings: TenantSettings, apiKeys: [String]) { self.settings = settings; self.apiKeys = apiKeys }
    }

    public init(_ entries: [Entry], clock: @escaping @Sendable () -> Int64 = TenantActor.systemClock) {
        var tenants: [TenantActor] = []
        var byKey: [String: TenantActor] = [:]
        var byID: [String: TenantActor] = [:]
        for entry in entries {
            let tenant = TenantActor(settings: entry.settings, clock: clock)
            tenants.append(tenant)
            byID[entry.settings.id] = tenant
            for key in entry.apiKeys { byKey[key] = tenant }
        }
        self.tenants = tenants
        self.byKey = byKey
        self.byID = byID
    }

    /// The tenant an API key belongs to.
    public func tenant(forKey key: String) -> TenantActor? { byKey[key] }

    public func tenant(id: String) -> TenantActor? { byID[id] }
}
