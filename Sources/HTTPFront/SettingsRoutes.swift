import Actors
import Hummingbird
import Runtime

/// The tenant's settings (docs/workspace.md): company name, product mode, accounts derived from
/// email domains, health thresholds and weights; and the labels shown for event types.
struct SettingsRoutes {
    let adminKeys: Set<String>

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/settings", use: settings)
        router.put("/api/settings", use: updateSettings)
        router.get("/api/settings/labels", use: labels)
        router.put("/api/settings/labels", use: updateLabels)
    }

    struct Answer: Encodable {
        var companyName: String?; var productMode: String; var autoDeriveAccounts: Bool
        var healthThresholds: HealthRoutes.Thresholds; var healthWeights: HealthRoutes.Components
    }

    static func answer(_ state: TenantState) -> Answer {
        let h = state.health.settings, w = state.workspace
        return Answer(companyName: w.companyName, productMode: w.productMode.rawValue, autoDeriveAccounts: w.autoDeriveAccounts,
                      healthThresholds: .init(green: h.greenAt, yellow: h.yellowAt), healthWeights: .init(h.weights))
    }

    @Sendable func settings(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        try JSONResponse.make(try await context.requireTenant().read { Self.answer($0) })
    }

    /// Any of `company_name` (null clears it), `product_mode` (b2b, employee),
    /// `auto_derive_accounts`, `health_thresholds` (`green`, `yellow`), `health_weights` (per
    /// component); what is not sent keeps its value. Needs an admin key.
    @Sendable func updateSettings(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        try QueryParameters.requireAdminKey(request, in: adminKeys, for: "changing settings")
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 16)
        guard let fields = body.object else { throw APIError.badRequest(field: "body", "must be a JSON object") }
        let (health, workspace) = try await tenant.read { ($0.health.settings, $0.workspace) }
        var h = health, name = workspace.companyName, mode = workspace.productMode, derive = workspace.autoDeriveAccounts
        for (key, value) in fields {
            switch key {
            case "company_name":
                if value.isNull { name = nil; continue }
                guard let text = value.string, (1...200).contains(text.count) else { throw APIError.badRequest(field: key, "must be text of 1–200 characters or null") }
                name = text
            case "product_mode":
                guard let text = value.string, let m = Workspace.ProductMode(rawValue: text) else { throw APIError.badRequest(field: key, "must be b2b or employee") }
                mode = m
            case "auto_derive_accounts":
                guard case .bool(let on) = value else { throw APIError.badRequest(field: key, "must be true or false") }
                derive = on
            case "health_thresholds":
                let parts = try Self.integers(value, key, names: ["green", "yellow"])
                if let green = parts["green"] { h.greenAt = green }
                if let yellow = parts["yellow"] { h.yellowAt = yellow }
            case "health_weights":
                let parts = try Self.integers(value, key, names: HealthComponent.allCases.map(\.rawValue))
                for (i, c) in HealthComponent.allCases.enumerated() { if let w = parts[c.rawValue] { h.weights[i] = w } }
            default:
                throw APIError.badRequest(field: key, "is not a setting (company_name, product_mode, auto_derive_accounts, health_thresholds, health_weights)")
            }
        }
        if let refusal = h.refusal {
            let field = refusal.field.hasPrefix("weights") ? "health_" + refusal.field : refusal.field.replacingOccurrences(of: "thresholds", with: "health_thresholds")
            throw APIError.badRequest(field: field, refusal.reason)
        }
        if h != health { _ = try await tenant.editHealth(.settings(h)) }
        if name != workspace.companyName || mode != workspace.productMode || derive != workspace.autoDeriveAccounts {
            let edit = WorkspaceEdit.settings(companyName: name, productMode: mode, autoDeriveAccounts: derive)
            _ = try await tenant.editWorkspace { _, _, _ in edit }
        }
        return try JSONResponse.make(try await tenant.read { Self.answer($0) })
    }

    /// `{"labels": {...}}` written by hand: event types are the customer's names, kept as they are.
    static func labelsResponse(_ labels: [String: String]) -> Response {
        var json = JSONWriter()
        json.object { json in
            json.key("labels"); json.object { json in for (type, label) in labels.sorted(by: { $0.key < $1.key }) { json.key(text: type); json.value(label) } }
        }
        return json.response()
    }

    @Sendable func labels(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        Self.labelsResponse(try await context.requireTenant().read { $0.workspace.labels })
    }

    /// `labels`: event type → label (1–100 characters), or null to remove one; the others stay.
    @Sendable func updateLabels(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 20)
        guard let fields = body.object else { throw APIError.badRequest(field: "body", "must be a JSON object") }
        if let stray = fields.keys.first(where: { $0 != "labels" }) { throw APIError.badRequest(field: stray, "is not a field (labels)") }
        guard let changes = fields["labels"]?.object else { throw APIError.badRequest(field: "labels", "must be an object of event type → label") }
        for (type, label) in changes {
            guard (1...200).contains(type.count) else { throw APIError.badRequest(field: "labels", "an event type must be 1–200 characters") }
            guard label.isNull || label.string.map({ (1...100).contains($0.count) }) == true else {
                throw APIError.badRequest(field: "labels.\(type)", "must be text of 1–100 characters or null")
            }
        }
        do {
            _ = try await tenant.editWorkspace { state, _, _ in
                var labels = state.workspace.labels
                for (type, label) in changes { labels[type] = label.string }
                return .labels(labels)
            }
        } catch WorkspaceEditRefusal.full(_, let limit) {
            throw APIError.badRequest(field: "labels", "at most \(limit) labels are kept")
        }
        return Self.labelsResponse(try await tenant.read { $0.workspace.labels })
    }

    /// An object of integers under the given names only.
    static func integers(_ value: JSONValue, _ field: String, names: [String]) throws -> [String: Int] {
        guard let object = value.object else { throw APIError.badRequest(field: field, "must be an object of \(names.joined(separator: ", "))") }
        var parts: [String: Int] = [:]
        for (name, part) in object {
            guard names.contains(name) else { throw APIError.badRequest(field: "\(field).\(name)", "is not one of \(names.joined(separator: ", "))") }
            guard let n = part.integer else { throw APIError.badRequest(field: "\(field).\(name)", "must be a whole number") }
            parts[name] = n
        }
        return parts
    }
}
