import Actors
import Foundation
import Hummingbird
import Runtime

/// Defining pages, features and groups (docs/pendo.md, "Pages, features and groups"): Beacon's
/// own writes beside the seed's reads, since Pendo defines them in its UI. POST creates (an id
/// of the client's or the next free one), PUT creates or replaces whole, DELETE removes; each
/// answers the object as `GET /page`, `/feature` or `/group` shows it.
struct PendoTaggingRoutes {
    static let maxNameBytes = 256

    func add(to router: Router<BeaconRequestContext>) {
        for kind in Tagging.Kind.allCases {
            router.post("/pendo/api/v1/\(kind.rawValue)") { request, context in try await self.write(kind, id: nil, replacing: false, request, context) }
            router.put("/pendo/api/v1/\(kind.rawValue)/:id") { request, context in
                try await self.write(kind, id: try Self.objectID(QueryParameters.pathParameter("id", context), field: "id"), replacing: true, request, context)
            }
            router.delete("/pendo/api/v1/\(kind.rawValue)/:id") { request, context in try await self.remove(kind, request, context) }
        }
        router.get("/pendo/api/v1/group", use: groups)
    }

    /// 1 to 64 letters, digits, `-` and `_`: ids go in paths and query lists unescaped.
    static func objectID(_ text: String, field: String) throws -> String {
        guard !text.isEmpty, text.utf8.count <= 64, text.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || $0 == "-" || $0 == "_" }) else {
            throw APIError.badRequest(field: field, "must be 1 to 64 letters, digits, - or _, got '\(text.prefix(80))'")
        }
        return text
    }

    static func name(_ body: [String: JSONValue]) throws -> String {
        guard let name = body["name"]?.string, !name.isEmpty, name.utf8.count <= maxNameBytes else {
            throw APIError.badRequest(field: "name", "is required: a name of 1 to \(maxNameBytes) bytes")
        }
        return name
    }

    static func strings(_ value: JSONValue?, field: String, limit: Int) throws -> [String] {
        guard let value, !value.isNull else { return [] }
        guard let list = value.array, list.count <= limit else { throw APIError.badRequest(field: field, "must be a list of at most \(limit) strings") }
        return try list.enumerated().map { i, item in
            guard let text = item.string, !text.isEmpty, text.utf8.count <= 1_024 else { throw APIError.badRequest(field: "\(field)[\(i)]", "must be a string of 1 to 1,024 bytes") }
            return text
        }
    }

    static func page(_ body: [String: JSONValue], id: String, nowMs: Int64) throws -> Tagging.Page {
        guard let list = body["rules"]?.array, !list.isEmpty, list.count <= Tagging.maxRulesPerObject else {
            throw APIError.badRequest(field: "rules", "is required: 1 to \(Tagging.maxRulesPerObject) rules such as \"//*/billing/*\" (or {\"rule\": \"…\"})")
        }
        let rules = try list.enumerated().map { i, item in
            let field = "rules[\(i)]"
            guard let text = item.string ?? item.object?["rule"]?.string else { throw APIError.badRequest(field: field, "must be a rule string or {\"rule\": \"…\"}") }
            do { return try PageRule(text) } catch let invalid as PageRule.Invalid { throw APIError.badRequest(field: field, invalid.reason) }
        }
        return Tagging.Page(id: id, name: try name(body), rules: rules, createdMs: nowMs, updatedMs: nowMs)
    }

    static func feature(_ body: [String: JSONValue], id: String, nowMs: Int64) throws -> Tagging.Feature {
        let types = try strings(body["eventTypes"], field: "eventTypes", limit: Tagging.maxRulesPerObject)
        let selectors = try strings(body["elementPathRules"], field: "elementPathRules", limit: Tagging.maxRulesPerObject).enumerated().map { i, text in
            do { return try ElementSelector(text) } catch let invalid as ElementSelector.Invalid { throw APIError.badRequest(field: "elementPathRules[\(i)]", invalid.reason) }
        }
        var text: String?
        if let value = body["elementText"], !value.isNull {
            guard let given = value.string, !given.isEmpty, given.utf8.count <= 1_024 else { throw APIError.badRequest(field: "elementText", "must be a string of 1 to 1,024 bytes (* for any run of characters)") }
            text = given
        }
        var properties: [String: String] = [:]
        if let value = body["properties"], !value.isNull {
            guard let object = value.object, object.count <= Tagging.maxRulesPerObject else {
                throw APIError.badRequest(field: "properties", "must be an object of at most \(Tagging.maxRulesPerObject) property names and string values")
            }
            for (key, item) in object {
                guard !key.isEmpty, key.utf8.count <= 256, let text = item.string, text.utf8.count <= 1_024 else { throw APIError.badRequest(field: "properties.\(key.prefix(80))", "must be a string of at most 1,024 bytes") }
                properties[key] = text
            }
        }
        guard !types.isEmpty || !selectors.isEmpty || text != nil || !properties.isEmpty else {
            throw APIError.badRequest(field: "elementPathRules", "a feature needs at least one of eventTypes, elementPathRules, elementText or properties")
        }
        var page: String?
        if let value = body["pageId"], !value.isNull {
            guard let given = value.string else { throw APIError.badRequest(field: "pageId", "must be the id of a defined page") }
            page = try objectID(given, field: "pageId")
        }
        return Tagging.Feature(id: id, name: try name(body), eventTypes: types, selectors: selectors, text: text, properties: properties,
                               pageID: page, createdMs: nowMs, updatedMs: nowMs)
    }

    static func group(_ body: [String: JSONValue], id: String, nowMs: Int64) throws -> Tagging.Group {
        var type = Tagging.Group.GroupType.group
        if let value = body["groupType"], !value.isNull {
            guard let text = value.string, let given = Tagging.Group.GroupType(rawValue: text) else { throw APIError.badRequest(field: "groupType", "must be \"group\" (a product area) or \"guideCategory\"") }
            type = given
        }
        func text(_ key: String) throws -> String {
            guard let value = body[key], !value.isNull else { return "" }
            guard let text = value.string, text.utf8.count <= 1_024 else { throw APIError.badRequest(field: key, "must be a string of at most 1,024 bytes") }
            return text
        }
        var items: [Tagging.Group.Item] = []
        if let value = body["items"], !value.isNull {
            guard let list = value.array, list.count <= Tagging.maxItemsPerGroup else { throw APIError.badRequest(field: "items", "must be a list of at most \(Tagging.maxItemsPerGroup) {\"itemType\", \"itemId\"}") }
            for (i, item) in list.enumerated() {
                guard let object = item.object, let typeText = object["itemType"]?.string, let itemType = Tagging.Group.ItemType(rawValue: typeText), let itemID = object["itemId"]?.string else {
                    throw APIError.badRequest(field: "items[\(i)]", "must be {\"itemType\": \"Page\"|\"Feature\"|\"Guide\", \"itemId\": \"…\"}")
                }
                let item = Tagging.Group.Item(type: itemType, id: try objectID(itemID, field: "items[\(i)].itemId"))
                if !items.contains(item) { items.append(item) }
            }
        }
        return Tagging.Group(id: id, name: try name(body), type: type, description: try text("description"), color: try text("color"),
                             items: items, createdMs: nowMs, updatedMs: nowMs)
    }

    static func refused(_ refusal: TaggingEditRefusal) -> APIError {
        switch refusal {
        case .tooMany(let kind, let limit): APIError(.conflict, code: "conflict", message: "body: a subscription holds at most \(limit) \(kind.rawValue)s", field: "body")
        case .unknown(let kind, let id): APIError(.notFound, code: "not_found", message: "id: no \(kind.rawValue) '\(id)'", field: "id")
        case .unknownReference(let field, let id): APIError(.notFound, code: "not_found", message: "\(field): no such object '\(id)'", field: field)
        case .pageInUse(let page, let feature): APIError(.conflict, code: "conflict", message: "id: page '\(page)' narrows feature '\(feature)'; change or remove the feature first", field: "id")
        case .wrongItemType(let field, let reason): APIError.badRequest(field: field, reason)
        }
    }

    func write(_ kind: Tagging.Kind, id given: String?, replacing: Bool, _ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 20)
        guard let object = body.object else { throw APIError.badRequest(field: "body", "must be a JSON object") }
        var chosen = given
        if chosen == nil, let value = object["id"], !value.isNull {
            guard let text = value.string else { throw APIError.badRequest(field: "id", "must be a string") }
            chosen = try Self.objectID(text, field: "id")
        }
        // Parsed once with a placeholder id and clock, so a bad body is a 400 before the actor is asked.
        _ = try Self.edit(kind, object, id: chosen ?? "0", nowMs: 0)
        let fixedID = chosen
        let existedBefore = try await tenant.read { $0.tagging.contains(kind, fixedID ?? "") }
        if !replacing, chosen != nil, existedBefore {
            throw APIError(.conflict, code: "conflict", message: "id: \(kind.rawValue) '\(chosen!)' exists; PUT /pendo/api/v1/\(kind.rawValue)/\(chosen!) replaces it", field: "id")
        }
        let edit: TaggingEdit
        do {
            edit = try await tenant.editTagging { nowMs, tagging in
                let id = fixedID ?? Self.freeID(tagging)
                // The body parsed above, so this cannot fail; a removal that refuses stands in if it ever did.
                return (try? Self.edit(kind, object, id: id, nowMs: nowMs)) ?? .remove(kind, id: "")
            }
        } catch let refusal as TaggingEditRefusal { throw Self.refused(refusal) }
        let id: String = switch edit {
        case .definePage(let p): p.id
        case .defineFeature(let f): f.id
        case .defineGroup(let g): g.id
        case .remove(_, let id): id
        }
        let row = try await tenant.scan(.segments) { state -> PipelineRow? in
            let data = TenantPipelineData(state: state)
            return kind == .group ? data.groupRows(type: state.tagging.groups[id]?.type.rawValue ?? "", items: true, ids: [id]).first
                : data.objects(kind == .page ? .pages : .features, ids: [id]).first
        }
        var json = JSONWriter(capacity: 1_024)
        PipelineValue.object(row ?? [:]).write(to: &json)
        return json.response(status: replacing && existedBefore ? .ok : .created)
    }

    static func freeID(_ tagging: Tagging) -> String {
        var n = tagging.nextID
        while Tagging.Kind.allCases.contains(where: { tagging.contains($0, String(n)) }) { n += 1 }
        return String(n)
    }

    static func edit(_ kind: Tagging.Kind, _ body: [String: JSONValue], id: String, nowMs: Int64) throws -> TaggingEdit {
        switch kind {
        case .page: .definePage(try page(body, id: id, nowMs: nowMs))
        case .feature: .defineFeature(try feature(body, id: id, nowMs: nowMs))
        case .group: .defineGroup(try group(body, id: id, nowMs: nowMs))
        }
    }

    func remove(_ kind: Tagging.Kind, _ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let id = try Self.objectID(QueryParameters.pathParameter("id", context), field: "id")
        do { try await context.requireTenant().editTagging { _, _ in .remove(kind, id: id) } } catch let refusal as TaggingEditRefusal { throw Self.refused(refusal) }
        return Response(status: .noContent)
    }

    /// Product areas, or guide categories with `groupType=guideCategory`; `id` narrows, `items=true` lists members.
    @Sendable func groups(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let (ids, app) = try PendoObjectRoutes.wanted(request)
        let query = QueryParameters(request)
        let type = query.string("groupType") ?? "group"
        guard Tagging.Group.GroupType(rawValue: type) != nil else { throw APIError.badRequest(field: "groupType", "must be group (product areas) or guideCategory") }
        let items: Bool
        switch query.string("items") {
        case nil, "false": items = false
        case "true": items = true
        case let other?: throw APIError.badRequest(field: "items", "must be true or false, got '\(other.prefix(40))'")
        }
        let rows = try await context.requireTenant().scan(.segments) { state -> [PipelineRow] in
            let data = TenantPipelineData(state: state)
            if let app, !data.appIDs.contains(app) { return [] }
            return data.groupRows(type: type, items: items, ids: ids)
        }
        var json = JSONWriter(capacity: 64 + rows.count * 256)
        json.array { list in for row in rows { PipelineValue.object(row).write(to: &list) } }
        return json.response()
    }
}
