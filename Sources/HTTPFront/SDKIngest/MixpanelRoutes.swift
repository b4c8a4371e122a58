import Foundation
import Hummingbird
import Runtime

/// Mixpanel's ingestion API: `/track` and `/import` (events), `/engage` (user profiles) and
/// `/groups` (group profiles), each taking the form field `data` (JSON, or base64 of it) or a JSON
/// body of one record or an array. The key is the project `token` in each record (`$token` in
/// profile updates) or, for `/import`, the HTTP Basic user. Mapping: docs/ingest-compat.md.
struct MixpanelRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.post("/track", use: events)
        router.post("/import", use: events)
        router.post("/engage", use: profiles)
        router.post("/groups", use: groups)
    }

    /// Records of a body: an array, or one object.
    static func records(_ body: JSONValue) -> [(JSONValue, String)] {
        if let list = body.array { return list.enumerated().map { ($0.element, "data[\($0.offset)]") } }
        return [(body, "data")]
    }

    @Sendable func events(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        var messages: [SDKMessage] = [], sources: [SDKIngestion.Source] = []
        for (item, path) in Self.records(try await SDKIngestion.body(context, request)) {
            let record = try SDKObject(item, path: path)
            messages.append(try Self.translate(record))
            sources.append(.init(path: record.name("properties"), timeField: "time"))
        }
        let receipt = try await SDKIngestion.submit(messages, sources: sources, request: request, context: context)
        if request.uri.path.hasPrefix("/import") {
            return try JSONResponse.make(ImportAnswer(numRecordsImported: receipt.messages + receipt.duplicates))
        }
        return try Self.accepted(request)
    }

    struct ImportAnswer: Encodable {
        var code = 200
        var numRecordsImported: Int
        var status = 1
    }

    struct Status: Encodable {
        var status = 1
        var error: String? = nil
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(status, forKey: .status)
            try container.encode(error, forKey: .error)
        }
        enum CodingKeys: String, CodingKey { case status, error }
    }

    /// `1`, or `{"status": 1, "error": null}` when the request asks `verbose=1` (the Python library does).
    static func accepted(_ request: Request) throws -> Response {
        if request.uri.queryParameters.get("verbose") == "1" || request.headers[.contentType]?.contains("form") == true {
            return try JSONResponse.make(Status())
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "1")))
    }

    /// Mixpanel names anonymous devices `$device:ID`.
    static func user(_ distinctID: String) -> String {
        distinctID.hasPrefix("$device:") ? SDKIngestion.anonymousUser(String(distinctID.dropFirst(8))) : distinctID
    }

    static func isControl(_ key: String) -> Bool {
        ["token", "distinct_id", "time", "$insert_id", "$anon_id", "$identified_id", "alias", "$distinct_ids"].contains(key)
    }

    static func translate(_ record: SDKObject) throws -> SDKMessage {
        let name = try record.requiredText("event")
        let properties = try record.object("properties") ?? SDKObject(fields: [:], path: record.name("properties"))
        let messageID = try SDKIngestion.messageID(try properties.text("$insert_id"), .mixpanel, field: properties.name("$insert_id"))
        var result = SDKMessage(messageID: messageID)
        switch name {
        case "$create_alias":
            let original = try properties.requiredText("distinct_id"), alias = try properties.requiredText("alias")
            result.merges.append(SDKMerge(candidates: [user(original), original], user: user(alias), onlyIfSeen: false))
            return result
        case "$merge":
            guard let ids = try properties.array("$distinct_ids")?.compactMap(\.scalarText), ids.count == 2 else {
                throw APIError.badRequest(field: properties.name("$distinct_ids"), "must hold two ids")
            }
            result.merges.append(SDKMerge(candidates: [user(ids[1]), ids[1]], user: user(ids[0]), onlyIfSeen: false))
            return result
        default:
            break
        }
        guard let distinctID = try properties.text("distinct_id") ?? properties.text("$identified_id") ?? properties.text("$device_id").map({ "$device:" + $0 }) else {
            throw APIError.badRequest(field: properties.name("distinct_id"), "is required")
        }
        let who = user(distinctID)
        var input = EventInput(eventType: name, user: who, account: nil, page: nil,
                               timestampMs: try properties.epochTime("time", secondsBelow: 1e11),
                               properties: try properties.scalarProperties(skip: isControl))
        if name == "$identify" {
            input.eventType = "identify"
            if let anonymous = try properties.text("$anon_id") {
                result.merges.append(SDKMerge(candidates: [user(anonymous), SDKIngestion.anonymousUser(anonymous)], user: who, onlyIfSeen: true))
            }
        }
        if let url = try properties.text("$current_url") { input.page = SDKObject.pagePath(url) }
        if let account = try properties.text("company_id") ?? properties.text("$group_id") { input.account = account }
        result.events = [input]
        return result
    }

    /// `/engage`: `$set` and `$set_once` set user properties, `$unset` removes them; the profile's
    /// user gets an `identify` event (Beacon keeps properties of users it has seen).
    @Sendable func profiles(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        var messages: [SDKMessage] = [], sources: [SDKIngestion.Source] = []
        for (item, path) in Self.records(try await SDKIngestion.body(context, request)) {
            let record = try SDKObject(item, path: path)
            let who = Self.user(try record.requiredText("$distinct_id"))
            let changes = try Self.profileChanges(record)
            let event = EventInput(eventType: "identify", user: who, timestampMs: try record.epochTime("$time", secondsBelow: 1e11))
            messages.append(SDKMessage(messageID: nil, events: [event], edits: changes.isEmpty ? [] : [.setUserProperties(user: who, properties: changes)]))
            sources.append(.init(path: path, timeField: "$time"))
        }
        _ = try await SDKIngestion.submit(messages, sources: sources, request: request, context: context)
        return try Self.accepted(request)
    }

    /// `/groups`: a group profile's `$set` sets the account's properties (the group id is the account).
    @Sendable func groups(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        var messages: [SDKMessage] = [], sources: [SDKIngestion.Source] = []
        for (item, path) in Self.records(try await SDKIngestion.body(context, request)) {
            let record = try SDKObject(item, path: path)
            let account = try record.requiredText("$group_id")
            let changes = try Self.profileChanges(record)
            messages.append(SDKMessage(messageID: nil, edits: changes.isEmpty ? [] : [.setAccountProperties(account: account, properties: changes)]))
            sources.append(.init(path: path, timeField: "$time"))
        }
        _ = try await SDKIngestion.submit(messages, sources: sources, request: request, context: context)
        return try Self.accepted(request)
    }

    static func profileChanges(_ record: SDKObject) throws -> [ProfileEdit.PropertyChange] {
        try record.setOperations(["$set_once", "$set"], removing: try record.array("$unset")?.compactMap(\.string) ?? [])
    }
}
