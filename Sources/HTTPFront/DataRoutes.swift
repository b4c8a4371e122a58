import Actors
import Foundation
import Hummingbird
import Runtime

/// Data management (docs/data-management.md): retention, deleting events, renaming, merging and
/// archiving event types, and property keys with their metadata.
struct DataRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.put("/api/data/retention", use: retention)
        router.delete("/api/data/events", use: deleteEvents)
        router.post("/api/data/event-types/rename", use: renameType)
        router.post("/api/data/event-types/merge", use: mergeTypes)
        router.post("/api/data/event-types/archive", use: archive)
        router.get("/api/data/properties", use: properties)
        router.post("/api/data/properties/rename", use: renameProperty)
        router.post("/api/data/properties/merge", use: mergeProperties)
        router.get("/api/data/properties/metadata", use: metadata)
        router.put("/api/data/properties/metadata", use: setMetadata)
    }

    static func refused(_ refusal: DataEditRefusal) -> APIError {
        switch refusal {
        case .unknownEventType(let type): APIError(.notFound, code: "not_found", message: "event_type: no event type '\(type)'", field: "event_type")
        case .typeExists(let type):
            APIError(.conflict, code: "conflict", message: "new_name: '\(type)' is an event type already; merge into it instead", field: "new_name")
        case .sameName(let name): APIError.badRequest(field: "body", "names '\(name)' twice: nothing would change")
        case .tooMany(let what): APIError(.conflict, code: "conflict", message: "body: too much \(what) is kept", field: "body")
        case .unknownUser(let email): APIError(.notFound, code: "not_found", message: "email: no user '\(email)'", field: "email")
        case .nameTaken(let name): APIError(.conflict, code: "conflict", message: "email: the user is '\(name)' already", field: "email")
        }
    }

    static func edit(_ tenant: TenantActor, _ makeEdit: @escaping @Sendable (TenantState, Int64) throws -> DataEdit) async throws -> TenantActor.DataEditDone {
        do { return try await tenant.editData(makeEdit) } catch let refusal as DataEditRefusal { throw Self.refused(refusal) }
    }

    static func fields(_ request: Request, _ allowed: Set<String>) async throws -> [String: JSONValue] {
        try WorkspaceRoutes.object(try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 16), allowed: allowed)
    }

    static func name(_ value: JSONValue?, _ field: String) throws -> String { try WorkspaceRoutes.name(value, field) }

    static func optionalName(_ value: JSONValue?, _ field: String) throws -> String? {
        guard let value, !value.isNull else { return nil }
        return try name(value, field)
    }

    struct RetentionAnswer: Encodable { var retentionDays: Int; var keepsForever: Bool }

    /// `retention_days` (0 keeps everything; at most 36,500). Older events leave at the next maintenance pass.
    @Sendable func retention(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let fields = try await Self.fields(request, ["retention_days"])
        guard let days = fields["retention_days"]?.integer, (0...DataCatalog.maxRetentionDays).contains(days) else {
            throw APIError.badRequest(field: "retention_days", "is required: a whole number of days, 0–\(DataCatalog.maxRetentionDays) (0 keeps everything)")
        }
        _ = try await Self.edit(try context.requireTenant()) { _, _ in .retention(days: days) }
        return try JSONResponse.make(RetentionAnswer(retentionDays: days, keepsForever: days == 0))
    }

    struct RewriteAnswer: Encodable {
        var eventType: String?; var beforeDate: String?; var source: String?; var target: String?
        var affected: Int; var eventsRetained: Int; var rebuildMs: Double
    }

    /// `event_type` and/or `before_date` (YYYY-MM-DD, the tenant's day; events before it go).
    @Sendable func deleteEvents(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let type = query.string("event_type")
        if let type, type.count > 200 { throw APIError.badRequest(field: "event_type", "must be at most 200 characters") }
        let beforeDay = try query.string("before_date").map { try TimeInput.date($0, field: "before_date") }
        guard type != nil || beforeDay != nil else { throw APIError.badRequest(field: "event_type", "or before_date is required: deleting every event is not offered") }
        let calendar = TenantCalendar(timeZone: tenant.settings.timeZone)
        let beforeMs = beforeDay.map { calendar.startMs(of: $0) }
        let start = DispatchTime.now().uptimeNanoseconds
        let done = try await Self.edit(tenant) { _, now in .rewrite(.delete(eventType: type, beforeMs: beforeMs), nowMs: now) }
        return try JSONResponse.make(RewriteAnswer(eventType: type, beforeDate: beforeDay.map(TenantCalendar.isoDate), affected: done.affected,
                                                   eventsRetained: done.kept, rebuildMs: Self.ms(since: start)))
    }

    static func ms(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }

    struct RenameAnswer: Encodable { var oldName: String; var newName: String; var renamed: Bool }

    /// `old_name`, `new_name` (not an event type yet: merge into one that is).
    @Sendable func renameType(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let fields = try await Self.fields(request, ["old_name", "new_name"])
        let old = try Self.name(fields["old_name"], "old_name"), new = try Self.name(fields["new_name"], "new_name")
        do { _ = try await context.requireTenant().editData { _, _ in .renameType(old: old, new: new) } } catch DataEditRefusal.unknownEventType(let type) {
            throw APIError(.notFound, code: "not_found", message: "old_name: no event type '\(type)'", field: "old_name")
        } catch let refusal as DataEditRefusal { throw Self.refused(refusal) }
        return try JSONResponse.make(RenameAnswer(oldName: old, newName: new, renamed: true))
    }

    /// `source`, `target`: the source's events become the target's (a target that does not exist yet is made).
    @Sendable func mergeTypes(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let fields = try await Self.fields(request, ["source", "target"])
        let source = try Self.name(fields["source"], "source"), target = try Self.name(fields["target"], "target")
        let start = DispatchTime.now().uptimeNanoseconds
        let done: TenantActor.DataEditDone
        do { done = try await context.requireTenant().editData { _, now in .rewrite(.mergeTypes(source: source, target: target), nowMs: now) } }
        catch DataEditRefusal.unknownEventType(let type) {
            throw APIError(.notFound, code: "not_found", message: "source: no event type '\(type)'", field: "source")
        } catch let refusal as DataEditRefusal { throw Self.refused(refusal) }
        return try JSONResponse.make(RewriteAnswer(source: source, target: target, affected: done.affected, eventsRetained: done.kept, rebuildMs: Self.ms(since: start)))
    }

    struct ArchiveAnswer: Encodable { var eventType: String; var archived: Bool; var archivedEventTypes: [String] }

    /// `event_type`, `archived` (true hides it from event-type lists; false restores it).
    @Sendable func archive(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let fields = try await Self.fields(request, ["event_type", "archived"])
        let type = try Self.name(fields["event_type"], "event_type")
        guard case .bool(let archived)? = fields["archived"] else { throw APIError.badRequest(field: "archived", "is required: true or false") }
        let tenant = try context.requireTenant()
        _ = try await Self.edit(tenant) { state, _ in
            guard state.eventTypeIndex(type) != nil || state.catalog.archivedTypes.contains(type) else { throw DataEditRefusal.unknownEventType(type) }
            return .archive(eventType: type, archived: archived)
        }
        let list = try await tenant.read { $0.catalog.archivedTypes.sorted() }
        return try JSONResponse.make(ArchiveAnswer(eventType: type, archived: archived, archivedEventTypes: list))
    }

    struct PropertyRow: Encodable {
        var propertyKey: String; var events: Int; var distinctValues: Int; var topValues: [String]
        var status: String; var description: String
    }
    struct PropertiesAnswer: Encodable { var eventType: String?; var properties: [PropertyRow] }

    static func eventType(_ query: QueryParameters, required: Bool) throws -> String? {
        guard let type = query.string("event_type") else {
            if required { throw APIError.badRequest(field: "event_type", "is required") }
            return nil
        }
        guard type.count <= 200 else { throw APIError.badRequest(field: "event_type", "must be at most 200 characters") }
        return type
    }

    /// The property keys on `event_type`'s events, with how many events carry each, its distinct values and metadata.
    @Sendable func properties(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let type = try Self.eventType(QueryParameters(request), required: true)!
        let usage = try await context.requireTenant().scan { state -> (known: Bool, rows: [PropertyRow]) in
            guard let usage = state.propertyKeyUsage(ofType: type) else { return (false, []) }
            return (true, usage.map { u in
                let meta = state.catalog.propertyMeta[u.key] ?? PropertyMeta()
                return PropertyRow(propertyKey: u.key, events: u.events, distinctValues: u.distinctValues, topValues: u.topValues,
                                   status: meta.status.rawValue, description: meta.description)
            })
        }
        guard usage.known else { throw APIError(.notFound, code: "not_found", message: "event_type: no event type '\(type)'", field: "event_type") }
        return try JSONResponse.make(PropertiesAnswer(eventType: type, properties: usage.rows))
    }

    struct PropertyRewriteAnswer: Encodable {
        var eventType: String?; var source: String; var target: String; var affected: Int; var eventsRetained: Int; var rebuildMs: Double
    }

    /// `event_type`, `old_key`, `new_key`: on that type's events the key is renamed (where both are set, `new_key`'s value stays).
    @Sendable func renameProperty(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let fields = try await Self.fields(request, ["event_type", "old_key", "new_key"])
        let type = try Self.optionalName(fields["event_type"], "event_type")
        let old = try Self.name(fields["old_key"], "old_key"), new = try Self.name(fields["new_key"], "new_key")
        return try await Self.mergeProperty(context, type: type, source: old, target: new)
    }

    /// `source`, `target`: on every event the source key becomes the target (where both are set, the target's value stays).
    @Sendable func mergeProperties(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let fields = try await Self.fields(request, ["source", "target"])
        return try await Self.mergeProperty(context, type: nil, source: try Self.name(fields["source"], "source"), target: try Self.name(fields["target"], "target"))
    }

    static func mergeProperty(_ context: BeaconRequestContext, type: String?, source: String, target: String) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let done = try await Self.edit(try context.requireTenant()) { _, now in .rewrite(.mergeProperties(eventType: type, source: source, target: target), nowMs: now) }
        return try JSONResponse.make(PropertyRewriteAnswer(eventType: type, source: source, target: target, affected: done.affected,
                                                           eventsRetained: done.kept, rebuildMs: Self.ms(since: start)))
    }

    struct MetadataRow: Encodable { var propertyKey: String; var status: String; var description: String }
    struct MetadataAnswer: Encodable { var eventType: String?; var properties: [MetadataRow] }

    /// Every key with metadata, or with `event_type` every key on its events (default status where none is set).
    @Sendable func metadata(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let type = try Self.eventType(QueryParameters(request), required: false)
        let rows = try await context.requireTenant().scan { state -> [MetadataRow]? in
            let keys: [String]
            if let type {
                guard let usage = state.propertyKeyUsage(ofType: type) else { return nil }
                keys = usage.map(\.key)
            } else { keys = state.catalog.propertyMeta.keys.sorted() }
            return keys.map { key in
                let meta = state.catalog.propertyMeta[key] ?? PropertyMeta()
                return MetadataRow(propertyKey: key, status: meta.status.rawValue, description: meta.description)
            }
        }
        guard let rows else { throw APIError(.notFound, code: "not_found", message: "event_type: no event type '\(type ?? "")'", field: "event_type") }
        return try JSONResponse.make(MetadataAnswer(eventType: type, properties: rows))
    }

    /// `property_key`, `status` (verified, hidden, default), `description` (at most 2,000 characters); either may be left out.
    @Sendable func setMetadata(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let fields = try await Self.fields(request, ["property_key", "status", "description"])
        let key = try Self.name(fields["property_key"], "property_key")
        var status: PropertyMeta.Status?
        if let value = fields["status"], !value.isNull {
            guard let text = value.string, let s = PropertyMeta.Status(rawValue: text) else { throw APIError.badRequest(field: "status", "must be verified, hidden or default") }
            status = s
        }
        var description: String?
        if let value = fields["description"], !value.isNull {
            guard let text = value.string, text.count <= 2_000 else { throw APIError.badRequest(field: "description", "must be text of at most 2,000 characters") }
            description = text
        }
        guard status != nil || description != nil else { throw APIError.badRequest(field: "body", "needs status or description") }
        let (s, d) = (status, description)
        let done = try await Self.edit(try context.requireTenant()) { state, _ in
            let now = state.catalog.propertyMeta[key] ?? PropertyMeta()
            return .propertyMeta(key: key, PropertyMeta(status: s ?? now.status, description: d ?? now.description))
        }
        guard case .propertyMeta(_, let meta) = done.edit else { throw APIError.notFound("property_key: nothing set") }
        return try JSONResponse.make(MetadataRow(propertyKey: key, status: meta.status.rawValue, description: meta.description))
    }
}
