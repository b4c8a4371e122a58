import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// The seed's segment requests: upload a visitor list, read it, its status, change its visitors
/// (one, a PATCH batch, the whole list), export it as a job, delete it; and the refusals.
@Suite struct PendoSegmentRoutesTests {
    static func ingest(_ client: some TestClientProtocol, users: [String]) async throws {
        let lines = users.enumerated().map { i, u in #"{"event_type":"open","user_email":"\#(u)","timestamp":"2026-10-30T09:0\#(i % 10):00Z"}"# }
        #expect(try await client.send(.post, "/ingest", json: #"{"events":["# + lines.joined(separator: ",") + "]}").status == .ok)
    }

    static func members(_ client: some TestClientProtocol, _ id: String) async throws -> Set<String> {
        Set((try await client.send(.get, "/api/segments/\(id)").json["users"] as? [String]) ?? [])
    }

    @Test func uploadEditExportAndDeleteAVisitorList() async throws {
        try await TestServer.make().test(.router) { client in
            try await Self.ingest(client, users: ["ann", "bob", "cy", "dee"])
            let created = try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/segment/upload", json: #"{"name":"Beta","visitors":[" ann ","bob","later"]}"#)
            let segment = created.body as? [String: Any] ?? [:]
            let id = try #require(segment["id"] as? String)
            #expect(created.status == .ok && segment["kind"] as? String == "Segment" && segment["name"] as? String == "Beta" && segment["visitorCount"] as? Int == 2)
            #expect(try await Self.members(client, id) == ["ann", "bob"])

            let status = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/segment/\(id)/status")).body as? [String: Any] ?? [:]
            #expect(status["command"] as? String == "Finish" && status["totalTagged"] as? Int == 2 && status["checkTotal"] as? Int == 3 && status["entityTagId"] as? String == id)

            // A listed id without events joins with its first event.
            try await Self.ingest(client, users: ["later"])
            #expect(try await Self.members(client, id) == ["ann", "bob", "later"])

            #expect(try await PendoRoutesTests.pendo(client, .put, "/pendo/api/v1/segment/\(id)/visitor/cy").status == .ok)
            #expect(try await PendoRoutesTests.pendo(client, .delete, "/pendo/api/v1/segment/\(id)/visitor/bob").status == .ok)
            #expect(try await Self.members(client, id) == ["ann", "cy", "later"])
            let patched = try await PendoRoutesTests.pendo(client, .patch, "/pendo/api/v1/segment/\(id)/visitor",
                                                           json: #"[{"op":"add","path":"/visitors","value":["dee"]},{"op":"remove","path":"/visitors","value":["ann"]}]"#)
            #expect(patched.status == .ok && (patched.body as? [String: Any])?["visitorCount"] as? Int == 3)
            #expect(try await Self.members(client, id) == ["cy", "dee", "later"])

            let renamed = try await PendoRoutesTests.pendo(client, .put, "/pendo/api/v1/segment/\(id)", json: #"{"name":"Beta 2","visitors":["bob"]}"#)
            #expect((renamed.body as? [String: Any])?["name"] as? String == "Beta 2")
            #expect(try await Self.members(client, id) == ["bob"])
            let listed = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/segment")).body as? [[String: Any]] ?? []
            #expect(listed.map { $0["id"] as? String } == [id])
            #expect(((try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/segment/\(id)")).body as? [String: Any])?["apiSegment"] as? Bool == true)

            // Export: a job id, its status, then the CSV; a Viewer key may export.
            let started = try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/segment/\(id)/visitors", key: "acme-viewer")
            let job = try #require((started.body as? [String: Any])?["jobId"] as? String)
            let jobStatus = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/segment/\(id)/visitors/\(job)/status")).body as? [String: Any] ?? [:]
            #expect(jobStatus["status"] as? String == "complete" && jobStatus["totalVisitors"] as? Int == 1)
            let csv = try await client.execute(uri: "/pendo/api/v1/segment/\(id)/visitors/\(job)/results/csv", method: .get,
                                               headers: [FieldName("x-pendo-integration-key")!: "acme-key"]) { String(buffer: $0.body) }
            #expect(csv.split(whereSeparator: \.isNewline) == ["visitorId", "bob"])
            #expect(try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/segment/\(id)/visitors/\(job)/results/json").status == .badRequest)
            #expect(try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/segment/\(id)/visitors/nope/status").status == .notFound)
            // Another tenant cannot read the job.
            #expect(try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/segment/\(id)/visitors/\(job)/status", key: "globex-key").status == .notFound)

            #expect(try await PendoRoutesTests.pendo(client, .delete, "/pendo/api/v1/segment/\(id)").status == .ok)
            #expect(try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/segment/\(id)").status == .notFound)
        }
    }

    @Test func refusalsNameTheFieldWithTheSeedsStatus() async throws {
        try await TestServer.make().test(.router) { client in
            try await Self.ingest(client, users: ["ann"])
            let native = try await client.send(.post, "/api/segments", json: #"{"name":"Openers","rules":[{"type":"did_event","event":"open"}]}"#)
            let nativeID = try #require(native.json["segment"] as? [String: Any])["id"] as? Int ?? 0
            let list = try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/segment/upload", json: #"{"name":"L","visitors":["ann"]}"#)
            let id = try #require((list.body as? [String: Any])?["id"] as? String)
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status, String)] = [
                (.post, "/pendo/api/v1/segment/upload", #"{"visitors":["a"]}"#, .badRequest, "name"),
                (.post, "/pendo/api/v1/segment/upload", #"{"name":"x","visitors":["a","  "]}"#, .badRequest, "visitors[1]"),
                (.post, "/pendo/api/v1/segment/upload", #"{"name":"x","visitors":"a"}"#, .badRequest, "visitors"),
                (.post, "/pendo/api/v1/segment/upload", #"{"name":"x","visitors":[],"extra":1}"#, .badRequest, "extra"),
                (.post, "/pendo/api/v1/segment/upload", #"{"name":"L","visitors":[]}"#, .conflict, "name"),
                (.get, "/pendo/api/v1/segment/abc", nil, .badRequest, "segmentId"),
                (.get, "/pendo/api/v1/segment/999", nil, .notFound, "segmentId"),
                (.get, "/pendo/api/v1/segment/999/status", nil, .notFound, "segmentId"),
                (.put, "/pendo/api/v1/segment/\(nativeID)/visitor/ann", nil, .forbidden, "segmentId"),
                (.delete, "/pendo/api/v1/segment/\(nativeID)", nil, .forbidden, "segmentId"),
                (.put, "/pendo/api/v1/segment/\(id)", #"{}"#, .badRequest, "body"),
                (.put, "/pendo/api/v1/segment/999/visitor/ann", nil, .notFound, "segmentId"),
                (.patch, "/pendo/api/v1/segment/\(id)/visitor", #"{"op":"add"}"#, .badRequest, "body"),
                (.patch, "/pendo/api/v1/segment/\(id)/visitor", #"[{"op":"move","value":["a"]}]"#, .badRequest, "body[0].op"),
                (.patch, "/pendo/api/v1/segment/\(id)/visitor", #"[{"op":"add","path":"/x","value":["a"]}]"#, .badRequest, "body[0].path"),
                (.patch, "/pendo/api/v1/segment/\(id)/visitor", "[" + Array(repeating: #"{"op":"add","value":["a"]}"#, count: 11).joined(separator: ",") + "]",
                 .contentTooLarge, "body"),
                (.patch, "/pendo/api/v1/segment/\(id)/visitor",
                 #"[{"op":"add","value":["# + (0...1000).map { "\"v\($0)\"" }.joined(separator: ",") + "]}]", .contentTooLarge, "body"),
                (.post, "/pendo/api/v1/segment/999/visitors", nil, .notFound, "segmentId"),
            ]
            for (method, uri, body, status, field) in cases {
                let answer = try await PendoRoutesTests.pendo(client, method, uri, json: body)
                let error = (answer.body as? [String: Any])?["error"] as? [String: Any]
                #expect(answer.status == status && error?["field"] as? String == field, "\(method) \(uri) \(body ?? ""): \(answer.status) \(error ?? [:])")
            }
            // A Viewer key cannot upload.
            #expect(try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/segment/upload", key: "acme-viewer", json: #"{"name":"V","visitors":[]}"#).status == .forbidden)
            #expect(try await Self.members(client, id) == ["ann"])
        }
    }
}
