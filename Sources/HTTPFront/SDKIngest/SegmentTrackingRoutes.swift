import Foundation
import Hummingbird
import Runtime

/// The Segment HTTP tracking API (`/v1/batch`, `/v1/track`, `/v1/identify`, `/v1/page`,
/// `/v1/screen`, `/v1/group`, `/v1/alias`), which RudderStack's SDKs speak too; the write key is
/// the HTTP Basic user (or `writeKey` in the body). Mapping: docs/ingest-compat.md.
struct SegmentTrackingRoutes {
    static let calls = ["track", "identify", "page", "screen", "group", "alias"]

    func add(to router: Router<BeaconRequestContext>) {
        router.post("/v1/batch", use: batch)
        for call in Self.calls {
            router.post(RouterPath("/v1/\(call)")) { request, context in try await single(call, request, context) }
        }
    }

    @Sendable func batch(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        if try await SDKIngestion.submitFast(request, context, path: { "batch[\($0)]" }) != nil { return try JSONResponse.make(["success": true]) }
        let body = try SDKObject(try await SDKIngestion.body(context, request), path: "")
        guard let items = try body.array("batch") else { throw APIError.badRequest(field: "batch", "is required") }
        var messages: [SDKMessage] = [], sources: [SDKIngestion.Source] = []
        for (i, item) in items.enumerated() {
            let message = try SDKObject(item, path: "batch[\(i)]")
            guard let type = try message.text("type") else { throw APIError.badRequest(field: message.name("type"), "is required") }
            messages.append(try Self.translate(message, type: type))
            sources.append(.init(path: message.path, timeField: "timestamp"))
        }
        return try await answer(messages, sources, request, context)
    }

    func single(_ call: String, _ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        if try await SDKIngestion.submitFast(request, context, path: { _ in "" }) != nil { return try JSONResponse.make(["success": true]) }
        let message = try SDKObject(try await SDKIngestion.body(context, request), path: "")
        return try await answer([try Self.translate(message, type: call)], [.init(path: "", timeField: "timestamp")], request, context)
    }

    private func answer(_ messages: [SDKMessage], _ sources: [SDKIngestion.Source], _ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        _ = try await SDKIngestion.submit(messages, sources: sources, request: request, context: context)
        return try JSONResponse.make(["success": true])
    }

    /// One Segment call in Beacon's terms.
    static func translate(_ message: SDKObject, type: String) throws -> SDKMessage {
        let userID = try message.text("userId"), anonymousID = try message.text("anonymousId")
        let messageID = try SDKIngestion.messageID(try message.text("messageId"), .segment, field: message.name("messageId"))
        let context = try message.object("context")
        let timestamp = try message.isoTime("timestamp") ?? message.isoTime("originalTimestamp")
        if type == "alias" {
            let previous = try message.requiredText("previousId")
            guard let userID else { throw APIError.badRequest(field: message.name("userId"), "is required") }
            return SDKMessage(messageID: messageID, merges: [SDKMerge(candidates: [SDKIngestion.anonymousUser(previous), previous], user: userID, onlyIfSeen: false)])
        }
        guard let user = userID ?? anonymousID.map(SDKIngestion.anonymousUser) else {
            throw APIError.badRequest(field: message.name("userId"), "is required (or anonymousId)")
        }
        var properties = try message.properties("properties")
        properties += try contextProperties(context)
        var event = EventInput(eventType: "", user: user, account: try context?.text("groupId"), page: try context?.object("page")?.text("path"),
                               timestampMs: timestamp, properties: [])
        var result = SDKMessage(messageID: messageID)
        switch type {
        case "track":
            event.eventType = try message.requiredText("event")
        case "page":
            event.eventType = "page_view"
            let props = try message.object("properties")
            let url = try props?.text("path") ?? props?.text("url") ?? event.page ?? message.text("name")
            guard let url else { throw APIError.badRequest(field: message.name("properties.path"), "is required for a page call (or properties.url, context.page.path, name)") }
            event.page = SDKObject.pagePath(url)
            if let name = try message.text("name") { properties.append(.init("name", name)) }
            if let category = try message.text("category") { properties.append(.init("category", category)) }
        case "screen":
            event.eventType = "screen_view"
            guard let name = try message.text("name") ?? message.object("properties")?.text("name") else {
                throw APIError.badRequest(field: message.name("name"), "is required for a screen call")
            }
            event.page = name
        case "identify":
            event.eventType = "identify"
            properties = try contextProperties(context)
            if let traits = try message.object("traits") ?? context?.object("traits") {
                let changes = try traits.propertyChanges()
                if !changes.isEmpty { result.edits.append(.setUserProperties(user: user, properties: changes)) }
            }
        case "group":
            event.eventType = "group"
            let group = try message.requiredText("groupId")
            event.account = group
            properties = try contextProperties(context)
            if let changes = try message.object("traits")?.propertyChanges(), !changes.isEmpty {
                result.edits.append(.setAccountProperties(account: group, properties: changes))
            }
        default:
            throw APIError.badRequest(field: message.name("type"), "must be one of track, identify, page, screen, group, alias; got '\(type)'")
        }
        event.properties = try deduplicated(properties, at: message.path)
        result.events = [event]
        if let userID, let anonymousID {
            result.merges.append(SDKMerge(candidates: [SDKIngestion.anonymousUser(anonymousID)], user: userID, onlyIfSeen: true))
        }
        return result
    }

    /// The dimensions Beacon breaks down by, where Segment's context has them.
    static func contextProperties(_ context: SDKObject?) throws -> [EventInput.Property] {
        guard let context else { return [] }
        var properties: [EventInput.Property] = []
        if let country = try context.object("location")?.text("country") { properties.append(.init("country", country)) }
        if let os = try context.object("os")?.text("name") { properties.append(.init("os", os)) }
        if let device = try context.object("device")?.text("type") { properties.append(.init("device_type", device)) }
        if let library = try context.object("library")?.text("name") { properties.append(.init("library", library)) }
        return properties
    }

    /// The first of each key (a message's own properties win over its context's), at most 64.
    static func deduplicated(_ properties: [EventInput.Property], at path: String) throws -> [EventInput.Property] {
        var seen = Set<String>()
        let kept = properties.filter { seen.insert($0.key).inserted }
        try SDKObject.checkPropertyCount(kept.count, at: path.isEmpty ? "properties" : "\(path).properties")
        return kept
    }
}
