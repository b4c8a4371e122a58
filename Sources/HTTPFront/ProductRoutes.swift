import Actors
import Hummingbird
import Logging
import Runtime

/// Products (docs/products.md): data-isolated tenants of the organisation, created and deleted at
/// run time; a key can be switched to any of them.
struct ProductRoutes {
    let registry: TenantRegistry
    let storage: StorageSettings?
    let logger = Logger(label: "beacon.products")

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/products", use: list)
        router.post("/api/products", use: create)
        router.get("/api/products/usage", use: usage)
        router.post("/api/products/switch", use: switchProduct)
        router.put("/api/products/:id", use: rename)
        router.delete("/api/products/:id", use: delete)
    }

    struct Row: Encodable {
        var tenantId: Int; var name: String; var workspace: String; var configured: Bool; var active: Bool; var createdAt: String?
        var events: Int; var users: Int
    }

    static func row(_ p: TenantRegistry.Product, active: Bool) async -> Row {
        let status = await p.tenant.status()
        return Row(tenantId: p.productId, name: p.name, workspace: p.tenant.id, configured: p.configured, active: active,
                   createdAt: p.createdMs.map(ISOText.timestamp), events: status.eventsRetained, users: status.users)
    }

    static func refused(_ refusal: TenantRegistry.Refusal) -> APIError {
        switch refusal {
        case .unknownProduct(let id): APIError(.notFound, code: "not_found", message: "id: no product \(id)", field: "id")
        case .activeProduct(let id): APIError(.conflict, code: "conflict", message: "id: product \(id) is the one this key is on; switch to another first", field: "id")
        case .configuredProduct(let id):
            APIError(.conflict, code: "conflict", message: "id: product \(id) comes from the server's configuration; remove it there", field: "id")
        case .tooMany(let n): APIError(.conflict, code: "conflict", message: "body: an organisation holds at most \(n) products", field: "body")
        }
    }

    static func name(_ fields: [String: JSONValue]) throws -> String {
        guard let text = fields["name"]?.string?.trimmingCharacters(in: .whitespaces), (1...200).contains(text.count) else {
            throw APIError.badRequest(field: "name", "is required: text of 1–200 characters")
        }
        return text
    }

    struct ListAnswer: Encodable { var activeTenantId: Int?; var products: [Row] }

    @Sendable func list(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let active = context.apiKey.flatMap(registry.activeProduct(key:))?.productId
        var rows: [Row] = []
        for p in registry.products(forKey: context.apiKey ?? "") { rows.append(await Self.row(p, active: p.productId == active)) }
        return try JSONResponse.make(ListAnswer(activeTenantId: active, products: rows))
    }

    /// `name`: a new, empty product with the calling product's time zone and retention.
    @Sendable func create(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let template = try context.requireTenant().settings
        let name = try Self.name(try WorkspaceRoutes.object(try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 16), allowed: ["name"]))
        do {
            let product = try await registry.createProduct(name: name, template: template, by: context.apiKey ?? "", storage: storage, logger: logger)
            return try JSONResponse.make(await Self.row(product, active: false), status: .created)
        } catch let refusal as TenantRegistry.Refusal { throw Self.refused(refusal) }
    }

    static func productID(_ context: BeaconRequestContext) throws -> Int { try QueryParameters.positiveID("id", context, kind: "product") }

    @Sendable func rename(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let id = try Self.productID(context)
        let name = try Self.name(try WorkspaceRoutes.object(try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 16), allowed: ["name"]))
        do { try registry.rename(id, to: name, by: context.apiKey ?? "") } catch let refusal as TenantRegistry.Refusal { throw Self.refused(refusal) }
        guard let p = registry.products.first(where: { $0.productId == id }) else { throw Self.refused(.unknownProduct(id)) }
        return try JSONResponse.make(await Self.row(p, active: context.apiKey.flatMap(registry.activeProduct(key:))?.productId == id))
    }

    struct Deleted: Encodable { var tenantId: Int; var deleted: Bool }

    /// A created product other than the one the key is on: its data leaves memory and disk.
    @Sendable func delete(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let id = try Self.productID(context)
        guard let key = context.apiKey else { throw APIError.unauthorized("missing API key") }
        do { try await registry.delete(id, by: key, storage: storage) } catch let refusal as TenantRegistry.Refusal { throw Self.refused(refusal) }
        return try JSONResponse.make(Deleted(tenantId: id, deleted: true))
    }

    struct Switched: Encodable { var activeTenantId: Int; var workspace: String; var name: String }

    /// `tenant_id`: the product this key reaches from the next request on.
    @Sendable func switchProduct(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let fields = try WorkspaceRoutes.object(try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 16), allowed: ["tenant_id"])
        guard let id = fields["tenant_id"]?.integer, id > 0 else { throw APIError.badRequest(field: "tenant_id", "is required: a product id (a positive integer)") }
        guard let key = context.apiKey else { throw APIError.unauthorized("missing API key") }
        do { try registry.switchProduct(key: key, to: id) } catch TenantRegistry.Refusal.unknownProduct(let missing) {
            throw APIError(.notFound, code: "not_found", message: "tenant_id: no product \(missing)", field: "tenant_id")
        } catch let refusal as TenantRegistry.Refusal { throw Self.refused(refusal) }
        guard let p = registry.activeProduct(key: key) else { throw Self.refused(.unknownProduct(id)) }
        return try JSONResponse.make(Switched(activeTenantId: p.productId, workspace: p.tenant.id, name: p.name))
    }

    struct UsageDay: Encodable { var date: String; var monthlyTrackedUsers: Int }
    struct UsageRow: Encodable { var tenantId: Int; var name: String; var month: String; var days: [UsageDay] }
    struct UsageAnswer: Encodable { var products: [UsageRow]; var totals: [UsageDay] }

    /// Per product, for each day of its current month so far (in its time zone), the distinct users
    /// active from the month's first day to that day; and their sum per date across products.
    @Sendable func usage(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        var rows: [UsageRow] = []
        var totals: [String: Int] = [:]
        for p in registry.products(forKey: context.apiKey ?? "") where p.tenant.phase == .ready {
            let today = QueryParameters.today(p.tenant)
            let first = AskPeriod.monthStart(today)
            let counts = try await p.tenant.read { state in (first...today).map { state.distinctActiveUsers(DayRange(first: first, last: $0)) } }
            let days = zip(first...today, counts).map { UsageDay(date: TenantCalendar.isoDate($0), monthlyTrackedUsers: $1) }
            for d in days { totals[d.date, default: 0] += d.monthlyTrackedUsers }
            rows.append(UsageRow(tenantId: p.productId, name: p.name, month: String(TenantCalendar.isoDate(first).prefix(7)), days: days))
        }
        return try JSONResponse.make(UsageAnswer(products: rows, totals: totals.sorted { $0.key < $1.key }.map { UsageDay(date: $0.key, monthlyTrackedUsers: $0.value) }))
    }
}
