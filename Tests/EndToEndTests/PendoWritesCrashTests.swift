import Foundation
import Testing

/// The Pendo-compatible API's writes (visitor-list segments and their edits, metadata fields and
/// flags, guide resets, bulk deletes, pages, features and groups) survive kill -9, from the WAL alone and again from a
/// snapshot plus the WAL.
@Suite(.serialized) struct PendoWritesCrashTests {
    @Test func segmentsMetadataResetsAndDeletesSurviveKill9() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-pendo-writes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let config = CrashRecoveryTests.config(dataDirectory: dataDirectory, fsync: "always")
        var server = try ServerProcess(config: config)
        try await server.waitUntilReady()
        let key = "crash-key"
        #expect(try await server.request("POST", "/ingest", key: key, json: #"{"events":[{"event_type":"open","user_email":"ann"},{"event_type":"open","user_email":"bob","account_id":"acme"},{"event_type":"open","user_email":"cy"}]}"#).status == 200)
        let upload = try await server.request("POST", "/pendo/api/v1/segment/upload", key: key, json: #"{"name":"Beta","visitors":["ann","bob"]}"#)
        let segment = try #require(upload.json["id"] as? String)
        #expect(try await server.request("PUT", "/pendo/api/v1/segment/\(segment)/visitor/cy", key: key).status == 200)
        #expect(try await server.request("POST", "/pendo/api/v1/metadata/schema/visitor/custom", key: key, json: #"[{"name":"tier","type":"string"}]"#).status == 201)
        #expect(try await server.request("PUT", "/pendo/api/v1/metadata/visitor/custom/value/ann/tier", key: key, json: #""gold""#).status == 200)
        #expect(try await server.request("PUT", "/pendo/api/v1/metadata/visitor/pendo/value/cy/donotprocess", key: key, json: "true").status == 200)
        let nudge = try await server.request("POST", "/api/nudges", key: key, json: #"{"title":"Hi","target_page_url":"/home"}"#)
        let nudgeID = try #require((nudge.json["nudge"] as? [String: Any])?["id"] as? Int)
        #expect(try await server.request("POST", "/api/nudges/\(nudgeID)/activate", key: key).status == 200)
        #expect(try await server.request("POST", "/api/nudges/\(nudgeID)/track", key: key, json: #"{"event_type":"dismiss","user_email":"ann"}"#).status == 200)
        #expect(try await server.request("POST", "/pendo/api/v1/guide/\(nudgeID)/visitor/ann/reset", key: key).status == 200)
        let deletion = try await server.request("POST", "/pendo/api/v1/bulkdelete/visitor", key: key, json: #"{"visitors":["bob"]}"#)
        let deletionID = try #require(deletion.json["id"] as? String)
        var status = ""
        for _ in 0..<300 where status != "complete" {
            status = try await server.request("GET", "/pendo/api/v1/bulkdelete/\(deletionID)", key: key).json["status"] as? String ?? ""
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(status == "complete")
        #expect(try await server.request("POST", "/pendo/api/v1/page", key: key, json: #"{"id":"open-page","name":"Open","rules":["//*/o/**"]}"#).status == 201)
        #expect(try await server.request("PUT", "/pendo/api/v1/feature/opener", key: key, json: #"{"name":"Opener","eventTypes":["open"],"pageId":"open-page"}"#).status == 201)
        #expect(try await server.request("POST", "/pendo/api/v1/group", key: key, json: #"{"id":"area","name":"Area","items":[{"itemType":"Feature","itemId":"opener"}]}"#).status == 201)
        #expect(try await server.request("DELETE", "/pendo/api/v1/group/area", key: key).status == 204)
        kill(server.pid, SIGKILL)
        _ = server.stop()

        for round in 0..<2 {
            server = try ServerProcess(config: config)
            try await server.waitUntilReady()
            let features = try await server.request("GET", "/pendo/api/v1/feature", key: key).list
            #expect(features.compactMap { $0["pageId"] as? String } == ["open-page"], "round \(round)")
            let pages = try await server.request("GET", "/pendo/api/v1/page?id=open-page", key: key).list
            #expect(pages.first?["rules"] as? [[String: String]] == [["rule": "//*/o/**", "designerHint": "//*/o/**"]], "round \(round)")
            #expect(try await server.request("GET", "/pendo/api/v1/group", key: key).list.isEmpty, "round \(round): the removal holds")
            let members = try await server.request("GET", "/api/segments/\(segment)", key: key).json["users"] as? [String]
            #expect(members.map(Set.init) == ["ann", "cy"], "round \(round)")
            #expect(try await server.request("GET", "/api/users/bob", key: key).status == 404, "round \(round)")
            #expect(try await server.request("GET", "/pendo/api/v1/bulkdelete/\(deletionID)", key: key).json["eventsDeleted"] as? Int == 1, "round \(round)")
            let value = try await server.request("GET", "/pendo/api/v1/metadata/visitor/custom/value/cy/nothing", key: key)
            #expect(value.status == 200, "round \(round)")
            let eligible = try await server.request("GET", "/api/nudges/eligible?user_email=ann&page_url=/home", key: key)
            #expect((eligible.json["nudges"] as? [Any])?.count == 1, "round \(round): the reset holds")
            // cy stays Do Not Process: a new event of theirs is dropped.
            #expect(try await server.request("POST", "/ingest", key: key, json: #"{"event_type":"open","user_email":"cy"}"#).status == 200)
            #expect(try await server.request("GET", "/api/users/cy", key: key).json["events"] as? Int == 1, "round \(round)")
            if round == 0 {
                #expect(try await server.request("POST", "/admin/snapshot", headers: ["x-admin-key": "admin"]).status == 200)
            }
            kill(server.pid, SIGKILL)
            _ = server.stop()
        }
    }
}
