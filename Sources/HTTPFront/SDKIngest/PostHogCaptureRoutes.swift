import Foundation
import Hummingbird
import Runtime

/// PostHog capture (`/batch/`, `/capture/`, `/e/`, `/i/v0/e/`): the project key is `api_key` (or
/// `token`) in the body, which may be gzip. `/batch` is also Amplitude's batch route: a body with
/// `events` goes there. Mapping: docs/ingest-compat.md.
struct PostHogCaptureRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        for path in ["/batch", "/capture", "/e", "/i/v0/e"] { router.post(RouterPath(path), use: capture) }
    }

    @Sendable func capture(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        if try await SDKIngestion.submitFast(request, context, path: { "batch[\($0)]" }) != nil { return try JSONResponse.make(["status": 1]) }
        let body = try await SDKIngestion.body(context, request)
        if request.uri.path.hasPrefix("/batch"), body.object?["events"] != nil, body.object?["batch"] == nil {
            return try await AmplitudeRoutes().upload(request, context: context)
        }
        // A batch object, an array of events (posthog-js), or one event.
        let items: [(JSONValue, String)]
        if let fields = body.object, let batch = fields["batch"] {
            guard let list = batch.array else { throw APIError.badRequest(field: "batch", "must be an array") }
            items = list.enumerated().map { ($0.element, "batch[\($0.offset)]") }
        } else if let list = body.array {
            items = list.enumerated().map { ($0.element, "[\($0.offset)]") }
        } else {
            items = [(body, "")]
        }
        var messages: [SDKMessage] = [], sources: [SDKIngestion.Source] = []
        for (item, path) in items {
            messages.append(try Self.translate(try SDKObject(item, path: path)))
            sources.append(.init(path: path, timeField: "timestamp"))
        }
        _ = try await SDKIngestion.submit(messages, sources: sources, request: request, context: context)
        return try JSONResponse.make(["status": 1])
    }

    /// Properties that steer PostHog rather than describe the event.
    static func isControl(_ key: String) -> Bool {
        ["$set", "$set_once", "$unset", "$groups", "$group_set", "$group_type", "$group_key", "$anon_distinct_id", "token", "distinct_id", "alias"].contains(key)
    }

    /// PostHog's names for the dimensions Beacon breaks down by.
    static let dimensions = [("$os", "os"), ("$browser", "browser"), ("$device_type", "device_type"), ("$geoip_country_code", "country")]

    static func translate(_ event: SDKObject) throws -> SDKMessage {
        let name = try event.requiredText("event")
        let properties = try event.object("properties") ?? SDKObject(fields: [:], path: event.name("properties"))
        guard let user = try event.text("distinct_id") ?? properties.text("distinct_id") ?? event.text("$distinct_id") else {
            throw APIError.badRequest(field: event.name("distinct_id"), "is required")
        }
        let messageID = try SDKIngestion.messageID(try event.text("uuid"), .posthog, field: event.name("uuid"))
        let timestamp = try event.isoTime("timestamp")
        let groups = try properties.object("$groups")
        var account = try groups?.firstTextInNameOrder()
        var result = SDKMessage(messageID: messageID)
        var input = EventInput(eventType: name, user: user, account: nil, page: nil, timestampMs: timestamp,
                               properties: try properties.scalarProperties(skip: isControl))
        switch name {
        case "$pageview":
            input.eventType = "page_view"
            guard let url = try properties.text("$pathname") ?? properties.text("$current_url") else {
                throw APIError.badRequest(field: properties.name("$current_url"), "is required for a $pageview")
            }
            input.page = SDKObject.pagePath(url)
        case "$screen":
            input.eventType = "screen_view"
            guard let screen = try properties.text("$screen_name") else { throw APIError.badRequest(field: properties.name("$screen_name"), "is required for a $screen") }
            input.page = screen
        case "$identify", "$set":
            input.eventType = "identify"
            if let anonymous = try properties.text("$anon_distinct_id") {
                result.merges.append(SDKMerge(candidates: [anonymous], user: user, onlyIfSeen: true))
            }
        case "$groupidentify":
            input.eventType = "group"
            let key = try properties.requiredText("$group_key")
            account = key
            if let changes = try properties.object("$group_set")?.propertyChanges(), !changes.isEmpty {
                result.edits.append(.setAccountProperties(account: key, properties: changes))
            }
        case "$create_alias":
            // The event's own id (the previous one) becomes part of `alias`, the id it is known by now.
            let alias = try properties.requiredText("alias")
            result.merges.append(SDKMerge(candidates: [user], user: alias, onlyIfSeen: false))
            return result
        default:
            if let url = try properties.text("$current_url") ?? properties.text("$pathname") { input.page = SDKObject.pagePath(url) }
        }
        input.account = account
        for (posthogKey, dimension) in Self.dimensions {
            if let value = try properties.text(posthogKey), !input.properties.contains(where: { $0.key == dimension }) {
                input.properties.append(.init(dimension, value))
            }
        }
        try SDKObject.checkPropertyCount(input.properties.count, at: properties.path)
        // `$set` may ride on any event (and at the top level, as older libraries send it).
        for set in [try properties.object("$set"), try event.object("$set")].compactMap({ $0 }) {
            let changes = try set.propertyChanges()
            if !changes.isEmpty { result.edits.append(.setUserProperties(user: user, properties: changes)) }
        }
        result.events = [input]
        return result
    }
}
