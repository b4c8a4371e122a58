import Foundation
import Hummingbird
import Runtime

/// Amplitude's HTTP V2 API (`/2/httpapi`) and Batch API (`/batch`, shared with PostHog):
/// `{"api_key", "events": [...]}`. Mapping: docs/ingest-compat.md.
struct AmplitudeRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.post("/2/httpapi", use: upload)
    }

    struct Answer: Encodable {
        var code = 200
        var eventsIngested: Int
        var payloadSizeBytes: Int
        var serverUploadTime: Int64
    }

    @Sendable func upload(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let body = try SDKObject(try await SDKIngestion.body(context, request), path: "")
        guard let items = try body.array("events") else { throw APIError.badRequest(field: "events", "is required") }
        var messages: [SDKMessage] = [], sources: [SDKIngestion.Source] = []
        for (i, item) in items.enumerated() {
            let event = try SDKObject(item, path: "events[\(i)]")
            messages.append(try Self.translate(event))
            sources.append(.init(path: event.path, timeField: "time"))
        }
        let receipt = try await SDKIngestion.submit(messages, sources: sources, request: request, context: context)
        let size = request.headers[.contentLength].flatMap(Int.init) ?? 0
        return try JSONResponse.make(Answer(eventsIngested: receipt.messages + receipt.duplicates, payloadSizeBytes: size,
                                            serverUploadTime: Int64(Date().timeIntervalSince1970 * 1000)))
    }

    /// Top-level event fields that are Beacon's breakdown dimensions.
    static let dimensions: [(field: String, property: String)] = [
        ("platform", "platform"), ("os_name", "os"), ("country", "country"), ("device_type", "device_type"), ("device_model", "device_model"),
        ("app_version", "app_version"), ("language", "language"), ("city", "city"), ("region", "region"),
    ]

    static func translate(_ event: SDKObject) throws -> SDKMessage {
        let type = try event.requiredText("event_type")
        let userID = try event.text("user_id"), deviceID = try event.text("device_id")
        guard let user = userID ?? deviceID.map(SDKIngestion.anonymousUser) else {
            throw APIError.badRequest(field: event.name("user_id"), "is required (or device_id)")
        }
        let messageID = try SDKIngestion.messageID(try event.text("insert_id"), .amplitude, field: event.name("insert_id"))
        var properties = try event.properties("event_properties")
        for (field, property) in dimensions {
            if let value = try event.text(field), !properties.contains(where: { $0.key == property }) { properties.append(.init(property, value)) }
        }
        let groups = try event.object("groups")
        let account = try groups?.firstTextInNameOrder()
        var result = SDKMessage(messageID: messageID)
        var input = EventInput(eventType: type, user: user, account: account, page: nil,
                               timestampMs: try event.epochTime("time", secondsBelow: 0), properties: properties)
        switch type {
        case "$identify":
            input.eventType = "identify"
        case "$groupidentify":
            input.eventType = "group"
            if let account, let changes = try event.object("group_properties").map({ try userPropertyChanges($0) }), !changes.isEmpty {
                result.edits.append(.setAccountProperties(account: account, properties: changes))
            }
        default:
            break
        }
        if let traits = try event.object("user_properties") {
            let changes = try userPropertyChanges(traits)
            if !changes.isEmpty { result.edits.append(.setUserProperties(user: user, properties: changes)) }
        }
        if let page = properties.first(where: { $0.key == "page" || $0.key == "path" })?.value { input.page = SDKObject.pagePath(page) }
        result.events = [input]
        if let userID, let deviceID {
            result.merges.append(SDKMerge(candidates: [SDKIngestion.anonymousUser(deviceID)], user: userID, onlyIfSeen: true))
        }
        return result
    }

    /// Plain properties, or Amplitude's operations: `$set` and `$setOnce` set, `$unset` removes;
    /// `$add`, `$append` and the rest are not kept (Beacon's properties are text).
    static func userPropertyChanges(_ object: SDKObject) throws -> [ProfileEdit.PropertyChange] {
        guard object.fields.keys.contains(where: { $0.hasPrefix("$") }) else { return try object.propertyChanges() }
        return try object.setOperations(["$setOnce", "$set"], removing: try object.object("$unset")?.fields.keys.sorted() ?? [])
    }
}
