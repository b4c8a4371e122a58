import Actors
import Foundation
import Hummingbird
import Runtime

/// The seed's ten metadata requests (docs/pendo.md, Metadata): the schema per kind, field
/// definitions, one value or many, the Do Not Process and guide opt-out flags, dependencies.
struct PendoMetadataRoutes {
    static let base = "/pendo/api/v1/metadata"
    /// Groups the seed names that Beacon has no source for: their values are null.
    static let integrationGroups: Set<String> = ["salesforce", "hubspot", "segmentio"]

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/pendo/api/v1/metadata/schema/:kind", use: schema)
        router.post("/pendo/api/v1/metadata/schema/:kind/:group", use: defineFields)
        router.delete("/pendo/api/v1/metadata/schema/:kind/:group/:field", use: deleteField)
        router.get("/pendo/api/v1/metadata/dependencies", use: dependencies)
        router.get("/pendo/api/v1/metadata/dependencies/:kind/:group/:field", use: fieldDependencies)
        router.get("/pendo/api/v1/metadata/:kind/:group/value/:id/:field", use: value)
        router.put("/pendo/api/v1/metadata/:kind/:group/value/:id/:field", use: setValue)
        router.post("/pendo/api/v1/metadata/:kind/:group/value", use: setValues)
    }

    static func kind(_ context: BeaconRequestContext) throws -> Metadata.Kind {
        let text = QueryParameters.pathParameter("kind", context)
        guard let kind = Metadata.Kind(rawValue: text) else { throw APIError.badRequest(field: "kind", "must be visitor or account, got '\(text)'") }
        return kind
    }

    /// A group schema writes accept: agent or custom.
    static func writableGroup(_ context: BeaconRequestContext) throws -> Metadata.Group {
        let text = QueryParameters.pathParameter("group", context)
        guard let group = Metadata.Group(rawValue: text) else { throw APIError.badRequest(field: "group", "must be agent or custom for a write, got '\(text)'") }
        return group
    }

    static func fieldName(_ text: String, field: String = "field") throws -> String {
        guard !text.isEmpty, text.utf8.count <= 256 else { throw APIError.badRequest(field: field, "must be a field name of 1 to 256 bytes") }
        return text
    }

    @Sendable func schema(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let kind = try Self.kind(context)
        let fields = try await context.requireTenant().scan { TenantPipelineData(state: $0).metadataSchema(kind) }
        var json = JSONWriter(capacity: 256 + fields.count * 128)
        json.object { out in
            for group in ["auto", "agent", "custom", "pendo"] {
                out.key(text: group)
                out.object { g in
                    for field in fields where field.group == group {
                        g.key(text: field.name)
                        g.object { f in
                            f.key("Type"); f.value(field.type)
                            f.key("DisplayName"); f.value(field.displayName)
                            f.key("isCalculated"); f.raw(Array((field.isCalculated ? "true" : "false").utf8))
                            f.key("isDeleted"); f.raw(Array("false".utf8))
                            f.key("isHidden"); f.raw(Array("false".utf8))
                        }
                    }
                }
            }
        }
        return json.response()
    }

    struct FieldResult: Encodable {
        struct Schema: Encodable { var name: String; var displayname: String; var type: String }
        struct Problem: Encodable { var message: String }
        var schema: Schema; var status: String; var error: Problem?
    }
    struct Summary: Encodable { var created: Int?; var failed: Int?; var undeleted: Int?; var total: Int }
    struct DefineAnswer: Encodable { var results: [FieldResult]; var summary: Summary }

    /// Up to 24 `{"name", "displayname", "type"}`: 201 all created (or undeleted), 207 some, 409
    /// when every one exists already; a bad entry is a 422 naming it, and nothing is written.
    @Sendable func defineFields(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let kind = try Self.kind(context), group = try Self.writableGroup(context)
        let body = try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 20)
        guard let list = body.array, !list.isEmpty else { throw APIError.badRequest(field: "body", "must be a non-empty array of {name, displayname, type}") }
        guard list.count <= Metadata.maxFieldsPerWrite else { throw APIError.badRequest(field: "body", "holds \(list.count) fields; at most \(Metadata.maxFieldsPerWrite) per request") }
        var wanted: [(name: String, display: String, type: Metadata.FieldType)] = []
        for (i, item) in list.enumerated() {
            func invalid(_ key: String, _ message: String) -> APIError {
                APIError(.unprocessableContent, code: "invalid_field", message: "[\(i)].\(key): \(message)", field: "[\(i)].\(key)")
            }
            let fields = try WorkspaceRoutes.object(item, allowed: ["name", "displayname", "type"], field: "[\(i)]")
            guard let name = fields["name"]?.string, !name.isEmpty, name.utf8.count <= 256 else { throw invalid("name", "is required: 1 to 256 bytes") }
            guard let typeText = fields["type"]?.string, let type = Metadata.FieldType(rawValue: typeText) else {
                throw invalid("type", "must be one of \(Metadata.FieldType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let display = fields["displayname"]?.string ?? name
            guard display.utf8.count <= 256 else { throw invalid("displayname", "is longer than 256 bytes") }
            guard !wanted.contains(where: { $0.name == name }) else { throw invalid("name", "'\(name)' is given twice") }
            wanted.append((name, display, type))
        }
        let existing = try await tenant.read { state in wanted.map { state.metadata.fields[Metadata.FieldKey(kind, group, $0.name)].map { !$0.deleted } } }
        var results: [FieldResult] = [], written: [Metadata.Field] = []
        var created = 0, undeleted = 0, failed = 0
        for (w, live) in zip(wanted, existing) {
            let schema = FieldResult.Schema(name: w.name, displayname: w.display, type: w.type.rawValue)
            switch live {
            case true?: failed += 1; results.append(FieldResult(schema: schema, status: "failed", error: .init(message: "the field exists")))
            case false?: undeleted += 1; results.append(FieldResult(schema: schema, status: "undeleted"))
            case nil: created += 1; results.append(FieldResult(schema: schema, status: "created"))
            }
            if live != true { written.append(Metadata.Field(name: w.name, displayName: w.display, type: w.type, updatedMs: 0)) }
        }
        if !written.isEmpty {
            let fields = written
            do {
                try await tenant.editMetadata { now in
                    .defineFields(kind: kind, group: group, fields: fields.map { var f = $0; f.updatedMs = now; return f })
                }
            } catch let refusal as MetadataEditRefusal { throw Self.refused(refusal) }
        }
        let status: HTTPResponse.Status = failed == 0 ? .created : written.isEmpty ? .conflict : .init(code: 207, reasonPhrase: "Multi-Status")
        let summary = Summary(created: created == 0 ? nil : created, failed: failed == 0 ? nil : failed, undeleted: undeleted == 0 ? nil : undeleted, total: wanted.count)
        return try JSONResponse.make(DefineAnswer(results: results, summary: summary), status: status, encoder: PendoRoutes.encoder)
    }

    static func refused(_ refusal: MetadataEditRefusal) -> APIError {
        switch refusal {
        case .tooManyFields(let limit): APIError.badRequest(field: "body", "a group holds at most \(limit) fields")
        case .unknownField(let name): APIError(.notFound, code: "not_found", message: "field: '\(name)' is not in the schema", field: "field")
        case .tooManyFlagged(let limit): APIError.badRequest(field: "id", "at most \(limit) ids can carry this flag")
        case .deletionPending(let id): APIError.badRequest(field: "body", "'\(id)' is already in a deletion request that has not completed")
        case .unknownDeletion(let id): APIError(.notFound, code: "not_found", message: "id: no deletion request \(id)", field: "id")
        }
    }

    struct Deleted: Encodable { var field: String; var deleted: Bool }

    /// 200 when deleted, 202 when it already was, 404 for a field never defined.
    @Sendable func deleteField(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let kind = try Self.kind(context), group = try Self.writableGroup(context)
        let name = try Self.fieldName(QueryParameters.pathParameter("field", context))
        guard let live = try await tenant.read({ $0.metadata.fields[Metadata.FieldKey(kind, group, name)].map { !$0.deleted } }) else {
            throw APIError(.notFound, code: "not_found", message: "field: '\(name)' is not a defined \(group.rawValue) field of \(kind.rawValue)s", field: "field")
        }
        guard live else { return try JSONResponse.make(Deleted(field: name, deleted: true), status: .accepted, encoder: PendoRoutes.encoder) }
        do { try await tenant.editMetadata { .deleteField(kind: kind, group: group, name: name, nowMs: $0) } } catch let refusal as MetadataEditRefusal { throw Self.refused(refusal) }
        return try JSONResponse.make(Deleted(field: name, deleted: true), encoder: PendoRoutes.encoder)
    }

    /// The JSON-encoded value: typed as the schema says, null without one.
    @Sendable func value(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let kind = try Self.kind(context)
        let group = QueryParameters.pathParameter("group", context)
        guard ["auto", "agent", "custom", "pendo"].contains(group) || Self.integrationGroups.contains(group) else {
            throw APIError.badRequest(field: "group", "must be one of agent, auto, custom, pendo, salesforce, hubspot, segmentio")
        }
        let id = try PendoRoutes.pathID("id", request, context)
        let field = try Self.fieldName(QueryParameters.pathParameter("field", context))
        let found = try await context.requireTenant().scan { TenantPipelineData(state: $0).metadataValue(kind, group: group, id: id, field: field) }
        guard let found else { throw APIError(.notFound, code: "not_found", message: "id: no \(kind.rawValue) '\(id)'; check the ID", field: "id") }
        var json = JSONWriter(capacity: 64)
        found.write(to: &json)
        return json.response()
    }

    /// A value as Beacon keeps properties: text, numbers and booleans as written, null removes it.
    static func propertyText(_ value: JSONValue, field: String) throws -> String? {
        if value.isNull { return nil }
        guard let text = value.scalarText else { throw APIError.badRequest(field: field, "must be a string, number, boolean or null") }
        guard text.utf8.count <= 4096 else { throw APIError.badRequest(field: field, "is longer than 4096 bytes") }
        return text
    }

    /// One agent or custom value, or (group `pendo`) the `donotprocess` or `blacklistguides` flag,
    /// whose body is a bare `true` or `false`.
    @Sendable func setValue(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let kind = try Self.kind(context)
        let groupText = QueryParameters.pathParameter("group", context)
        let id = try PendoRoutes.pathID("id", request, context)
        guard !id.isEmpty, id.utf8.count <= 320 else { throw APIError.badRequest(field: "id", "must be 1 to 320 bytes") }
        let field = try Self.fieldName(QueryParameters.pathParameter("field", context))
        let body = try await JSONBody.decode(JSONValue.self, from: request, limit: 64 << 10)
        if groupText == "pendo" {
            guard let flag = Metadata.Flag(rawValue: field) else { throw APIError.badRequest(field: "field", "must be donotprocess or blacklistguides in the pendo group") }
            guard case .bool(let on) = body else { throw APIError.badRequest(field: "body", "must be the bare JSON literal true or false") }
            do { try await tenant.editMetadata { _ in .setFlag(flag: flag, kind: kind, id: id, on: on) } } catch let refusal as MetadataEditRefusal { throw Self.refused(refusal) }
            return try JSONResponse.make([field: on], encoder: PendoRoutes.encoder)
        }
        _ = try Self.writableGroup(context)
        let text = try Self.propertyText(body, field: "body")
        let change = ProfileEdit.PropertyChange(field, text)
        do {
            _ = try await tenant.edit { _, _ in kind == .visitor ? .setUserProperties(user: id, properties: [change]) : .setAccountProperties(account: id, properties: [change]) }
        } catch ProfileEditRefusal.unknownUser {
            throw APIError(.notFound, code: "not_found", message: "id: no visitor '\(id)'; check the ID", field: "id")
        }
        return try JSONResponse.make(["updated": 1], encoder: PendoRoutes.encoder)
    }

    struct BulkAnswer: Encodable { var total: Int; var updated: Int; var failed: Int; var missing: [String]; var errors: [String] }

    /// `[{"visitorId" | "accountId": id, "values": {field: value}}]`; unknown visitors are listed
    /// as `missing` (a visitor exists once it sends an event), unknown accounts too unless
    /// `create=true`. All updates are one write.
    @Sendable func setValues(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let kind = try Self.kind(context)
        _ = try Self.writableGroup(context)
        let create = try QueryParameters(request).flag("create", default: false)
        let body = try await JSONBody.decode(JSONValue.self, from: request, limit: 16 << 20)
        guard let list = body.array else { throw APIError.badRequest(field: "body", "must be an array of {\(kind.rawValue)Id, values}") }
        guard list.count <= 100_000 else { throw APIError.badRequest(field: "body", "holds more than 100000 items") }
        let idKey = kind == .visitor ? "visitorId" : "accountId"
        var items: [(id: String, changes: [ProfileEdit.PropertyChange])] = []
        for (i, item) in list.enumerated() {
            let fields = try WorkspaceRoutes.object(item, allowed: [idKey, "values"], field: "[\(i)]")
            guard let id = fields[idKey]?.string, !id.isEmpty, id.utf8.count <= 320 else { throw APIError.badRequest(field: "[\(i)].\(idKey)", "is required: 1 to 320 bytes") }
            guard let values = fields["values"]?.object else { throw APIError.badRequest(field: "[\(i)].values", "is required: an object of field values") }
            guard values.count <= 100 else { throw APIError.badRequest(field: "[\(i)].values", "has more than 100 fields") }
            let changes = try values.keys.sorted().map { key in
                ProfileEdit.PropertyChange(try Self.fieldName(key, field: "[\(i)].values.\(key)"), try Self.propertyText(values[key]!, field: "[\(i)].values.\(key)"))
            }
            items.append((id, changes))
        }
        let known = try await tenant.read { state in items.map { kind == .visitor ? state.privacyUser($0.id) != nil : (create || state.accountIndex($0.id) != nil) } }
        let edits = zip(items, known).filter(\.1).map { item, _ in
            kind == .visitor ? ProfileEdit.setUserProperties(user: item.id, properties: item.changes) : .setAccountProperties(account: item.id, properties: item.changes)
        }
        if !edits.isEmpty { _ = try await tenant.editProfiles(edits) }
        let missing = zip(items, known).filter { !$0.1 }.map(\.0.id)
        return try JSONResponse.make(BulkAnswer(total: items.count, updated: edits.count, failed: missing.count, missing: missing, errors: []), encoder: PendoRoutes.encoder)
    }

    struct Dependency: Encodable { var type: String; var id: String; var name: String; var field: String }
    struct DependenciesAnswer: Encodable { var dependencies: [Dependency]; var usedByOnlyMe = false }

    static func render(_ found: [MetadataDependency]) throws -> Response {
        try JSONResponse.make(DependenciesAnswer(dependencies: found.map { Dependency(type: $0.kind.rawValue, id: String($0.id), name: $0.name, field: $0.field) }),
                              encoder: PendoRoutes.encoder)
    }

    @Sendable func dependencies(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        try Self.render(try await context.requireTenant().readWithSegments { TenantPipelineData(state: $0).metadataDependencies() })
    }

    @Sendable func fieldDependencies(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let kind = try Self.kind(context)
        let group = QueryParameters.pathParameter("group", context)
        let name = try Self.fieldName(QueryParameters.pathParameter("field", context))
        let found = try await context.requireTenant().readWithSegments { state -> [MetadataDependency]? in
            let data = TenantPipelineData(state: state)
            guard data.metadataSchema(kind).contains(where: { $0.group == group && $0.name == name }) else { return nil }
            return data.metadataDependencies(field: (kind, name))
        }
        guard let found else { throw APIError(.notFound, code: "not_found", message: "field: no \(group) field '\(name)' for \(kind.rawValue)s; check the field name", field: "field") }
        return try Self.render(found)
    }
}
