import Foundation
import Logging
import Runtime
import Synchronization

/// Maps API keys and tenant ids to tenant actors. The configured tenants are the organisation's
/// first products; more are created, renamed and deleted at run time, and a key may be switched
/// to any product of its organisation (docs/products.md). With storage, those changes live in `organisation.json`.
public final class TenantRegistry: Sendable {
    public struct Entry: Sendable {
        public var settings: TenantSettings
        public var apiKeys: [String]
        /// Tenants of one organisation are its products: a key reaches only its organisation's.
        public var organisation: String
        public init(settings: TenantSettings, apiKeys: [String], organisation: String = TenantRegistry.defaultOrganisation) {
            self.settings = settings; self.apiKeys = apiKeys; self.organisation = organisation
        }
    }

    /// The organisation of tenants whose configuration names none.
    public static let defaultOrganisation = "default"

    /// One product as listed: its id, tenant and name.
    public struct Product: Sendable, Equatable {
        public var productId: Int
        public var tenant: TenantActor
        public var name: String
        public var organisation: String
        /// From the server's configuration (not deletable here), or created at run time.
        public var configured: Bool
        public var createdMs: Int64?
        public static func == (a: Product, b: Product) -> Bool { a.productId == b.productId && a.name == b.name && a.tenant === b.tenant }
    }

    public enum Refusal: Error, Sendable, Equatable {
        case unknownProduct(Int)
        case activeProduct(Int)
        case configuredProduct(Int)
        case tooMany(Int)
    }

    public static let maxProducts = 100

    struct State {
        var products: [Product]
        /// Each key's configured tenant.
        var configuredByKey: [String: TenantActor]
        var record: OrganisationRecord
    }

    private let state: Mutex<State>
    private let organisationFile: URL?
    private let clock: @Sendable () -> Int64
    /// Writes of `organisation.json` and creations, one at a time.
    private let changes = Mutex(())

    public init(_ entries: [Entry], clock: @escaping @Sendable () -> Int64 = TenantActor.systemClock, organisationFile: URL? = nil) {
        var products: [Product] = []
        var byKey: [String: TenantActor] = [:]
        for (i, entry) in entries.enumerated() {
            let tenant = TenantActor(settings: entry.settings, clock: clock)
            products.append(Product(productId: i + 1, tenant: tenant, name: entry.settings.name, organisation: entry.organisation, configured: true, createdMs: nil))
            for key in entry.apiKeys { byKey[key] = tenant }
        }
        var record = OrganisationRecord(nextProductId: entries.count + 1)
        if let organisationFile, let loaded = try? OrganisationRecord.load(organisationFile) {
            record = loaded
            record.nextProductId = max(record.nextProductId, entries.count + 1)
            for p in loaded.created {
                let settings = TenantSettings(id: p.tenant, name: p.name, timeZone: TimeZone(identifier: p.timeZone) ?? .gmt, retentionDays: p.retentionDays)
                products.append(Product(productId: p.productId, tenant: TenantActor(settings: settings, clock: clock), name: p.name,
                                        organisation: p.organisation ?? Self.defaultOrganisation, configured: false, createdMs: p.createdMs))
            }
        }
        for i in products.indices { if let name = record.names[String(products[i].productId)] { products[i].name = name } }
        state = Mutex(State(products: products, configuredByKey: byKey, record: record))
        self.organisationFile = organisationFile
        self.clock = clock
    }

    /// Every tenant (product), configured first, then in order of creation.
    public var tenants: [TenantActor] { state.withLock { $0.products.map(\.tenant) } }

    public var products: [Product] { state.withLock { $0.products } }

    /// The products of `key`'s organisation.
    public func products(forKey key: String) -> [Product] {
        state.withLock { s in
            guard let org = Self.organisation(of: key, in: s) else { return [] }
            return s.products.filter { $0.organisation == org }
        }
    }

    private static func organisation(of key: String, in s: State) -> String? {
        guard let own = s.configuredByKey[key] else { return nil }
        return s.products.first { $0.tenant === own }?.organisation
    }

    /// The tenant an API key reaches: the product it was switched to, else its configured tenant.
    public func tenant(forKey key: String) -> TenantActor? {
        state.withLock { s in
            guard let configured = s.configuredByKey[key] else { return nil }
            if !s.record.active.isEmpty, let id = s.record.active[OrganisationRecord.keyHash(key)], let p = s.products.first(where: { $0.productId == id }) {
                return p.tenant
            }
            return configured
        }
    }

    /// The tenant the configuration gives `key`, whatever product it was switched to.
    public func configuredTenant(forKey key: String) -> TenantActor? { state.withLock { $0.configuredByKey[key] } }

    public func tenant(id: String) -> TenantActor? { state.withLock { s in s.products.first { $0.tenant.id == id }?.tenant } }

    public func product(of tenant: TenantActor) -> Product? { state.withLock { s in s.products.first { $0.tenant === tenant } } }

    /// Applies `change` to the record and writes it (with storage) before the change is kept.
    private func commit(_ change: (inout State) throws -> Void) throws {
        try changes.withLock { _ in
            var next = state.withLock { $0 }
            try change(&next)
            if let organisationFile { try next.record.save(organisationFile) }
            state.withLock { $0 = next }
        }
    }

    /// A new, empty product, its tenant named `product-<id>`, with the time zone and retention of
    /// `template`; with storage it is recovered (its directories and WAL made) before it is listed.
    public func createProduct(name: String, template: TenantSettings, by key: String, storage: StorageSettings?, logger: Logger) async throws -> Product {
        let (id, organisation) = try state.withLock { s throws(Refusal) -> (Int, String) in
            guard s.products.count < Self.maxProducts else { throw .tooMany(Self.maxProducts) }
            return (s.record.nextProductId, Self.organisation(of: key, in: s) ?? Self.defaultOrganisation)
        }
        var settings = TenantSettings(id: "product-\(id)", name: name, timeZone: template.timeZone, retentionDays: template.retentionDays)
        // An id a deleted product's files may still sit under is skipped.
        if let storage, FileManager.default.fileExists(atPath: storage.dataDirectory.appendingPathComponent(settings.id).path) {
            settings = TenantSettings(id: "product-\(id)-\(clock())", name: name, timeZone: template.timeZone, retentionDays: template.retentionDays)
        }
        let tenant = TenantActor(settings: settings, clock: clock)
        if let storage { _ = try await tenant.recover(storage: storage, logger: logger) }
        let product = Product(productId: id, tenant: tenant, name: name, organisation: organisation, configured: false, createdMs: clock())
        try commit { s in
            s.record.nextProductId = max(s.record.nextProductId, id + 1)
            s.record.created.append(.init(productId: id, tenant: settings.id, name: name, timeZone: settings.timeZone.identifier,
                                          retentionDays: settings.retentionDays, createdMs: product.createdMs!, organisation: organisation))
            s.products.append(product)
        }
        return product
    }

    public func rename(_ productID: Int, to name: String, by key: String) throws {
        try commit { s in
            guard let i = s.products.firstIndex(where: { $0.productId == productID && $0.organisation == Self.organisation(of: key, in: s) }) else {
                throw Refusal.unknownProduct(productID)
            }
            s.products[i].name = name
            s.record.names[String(productID)] = name
            if let c = s.record.created.firstIndex(where: { $0.productId == productID }) { s.record.created[c].name = name }
        }
    }

    /// Removes a created product that `key` is not on; keys switched to it go back to their own.
    /// Its actor is closed and its files deleted after the record no longer lists it.
    public func delete(_ productID: Int, by key: String, storage: StorageSettings?) async throws {
        var removed: Product?
        try commit { s in
            guard let i = s.products.firstIndex(where: { $0.productId == productID && $0.organisation == Self.organisation(of: key, in: s) }) else {
                throw Refusal.unknownProduct(productID)
            }
            let p = s.products[i]
            if p.configured { throw Refusal.configuredProduct(productID) }
            let onIt = s.record.active[OrganisationRecord.keyHash(key)] == productID
            if onIt { throw Refusal.activeProduct(productID) }
            s.products.remove(at: i)
            s.record.created.removeAll { $0.productId == productID }
            s.record.names[String(productID)] = nil
            s.record.active = s.record.active.filter { $0.value != productID }
            removed = p
        }
        guard let removed else { return }
        await removed.tenant.retire()
        if let storage { try? FileManager.default.removeItem(at: storage.dataDirectory.appendingPathComponent(removed.tenant.id)) }
    }

    /// Points `key` at product `productID` (its configured product clears the switch).
    public func switchProduct(key: String, to productID: Int) throws {
        try commit { s in
            guard let p = s.products.first(where: { $0.productId == productID && $0.organisation == Self.organisation(of: key, in: s) }) else {
                throw Refusal.unknownProduct(productID)
            }
            let hash = OrganisationRecord.keyHash(key)
            if s.configuredByKey[key] === p.tenant { s.record.active[hash] = nil } else { s.record.active[hash] = productID }
        }
    }

    /// The product `key` reaches now.
    public func activeProduct(key: String) -> Product? {
        guard let tenant = tenant(forKey: key) else { return nil }
        return product(of: tenant)
    }
}
