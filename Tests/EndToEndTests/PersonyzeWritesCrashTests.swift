import Foundation
import Testing

/// The Personyze-compatible API's writes (users, lists and members, configuration and catalogue
/// rows, interactions, `do` commands, an interaction delete) survive kill -9, from the WAL alone
/// and again from a snapshot plus the WAL; a retried write under one Idempotency-Key counts once.
@Suite(.serialized) struct PersonyzeWritesCrashTests {
    static let basic = ["Authorization": "Basic " + Data("api:crash-key".utf8).base64EncodedString()]

    func pz(_ server: ServerProcess, _ method: String, _ path: String, _ json: String? = nil, headers: [String: String] = [:]) async throws -> (status: Int, list: [[String: Any]]) {
        let reply = try await server.request(method, "/personyze/rest/" + path, body: json.map { Data($0.utf8) }, headers: Self.basic.merging(headers) { $1 })
        return (reply.status, reply.list)
    }

    @Test func personyzeWritesSurviveKill9() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-personyze-writes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let config = CrashRecoveryTests.config(dataDirectory: dataDirectory, fsync: "always")
        var server = try ServerProcess(config: config)
        try await server.waitUntilReady()
        #expect(try await pz(server, "POST", "users", #"{"internal_id":"acct-987","email":"alice@example.com","first_name":"Alice"}"#).status == 200)
        #expect(try await pz(server, "PUT", "users/where/internal_id=acct-987", #"{"first_name":"Alicia"}"#).status == 200)
        #expect(try await pz(server, "POST", "user_lists", #"{"name":"VIPs"}"#).status == 200)
        #expect(try await pz(server, "POST", "user_list_users", #"{"user_list_id":1,"user_email":"bob@example.com"}"#).status == 200)
        #expect(try await pz(server, "POST", "placeholders", ##"{"name":"Hero","html_id":"#hero"}"##).status == 200)
        #expect(try await pz(server, "POST", "products", #"{"internal_id":"SKU-1","category":"tools","price":9.5}"#).status == 200)
        #expect(try await pz(server, "POST", "products", #"{"internal_id":"SKU-1","title":"Hammer"}"#).status == 200)
        let retried = ["Idempotency-Key": "buy-1"]
        for _ in 0..<2 {
            _ = try await pz(server, "POST", "products_interactions", #"{"user_id":1,"product_internal_id":"SKU-1","status":"goal","amount":9.5}"#, headers: retried)
        }
        #expect(try await pz(server, "POST", "do", #"[["internal_id","acct-987","Product viewed","SKU-1"],["internal_id","acct-987","Product added to cart","SKU-1"],["email","bob@example.com","User profile","tier","gold"]]"#).status == 200)
        #expect(try await pz(server, "DELETE", "products_interactions/where/user_id=1&status=extra").status == 200)
        kill(server.pid, SIGKILL)
        _ = server.stop()

        for round in 0..<2 {
            server = try ServerProcess(config: config)
            try await server.waitUntilReady()
            let alice = try await pz(server, "GET", "users/where/internal_id=acct-987").list.first ?? [:]
            #expect(alice["first_name"] as? String == "Alicia" && alice["email"] as? String == "alice@example.com", "round \(round)")
            #expect(try await pz(server, "GET", "users/where/email=bob%40example.com").list.first?["tier"] as? String == "gold", "round \(round)")
            #expect(try await pz(server, "GET", "user_list_users/where/user_list_id=1").list.count == 1, "round \(round)")
            #expect(try await pz(server, "GET", "placeholders").list.first?["html_id"] as? String == "#hero", "round \(round)")
            let product = try await pz(server, "GET", "products/where/internal_id=SKU-1").list.first ?? [:]
            #expect(product["title"] as? String == "Hammer" && product["price"] as? Double == 9.5 && product["id"] as? Int == 1, "round \(round)")
            let interactions = try await pz(server, "GET", "products_interactions/where/user_id=1/order_by/status").list
            #expect(interactions.compactMap { $0["status"] as? String } == ["goal", "viewed"], "round \(round): one purchase, the cart add deleted")
            let stats = try await pz(server, "GET", "products_stats_all/where/internal_id=SKU-1").list.first ?? [:]
            #expect(stats["n_goal"] as? Int == 1 && stats["n_extra"] as? Int == 0 && stats["n_viewed"] as? Int == 1, "round \(round)")
            if round == 0 {
                #expect(try await server.request("POST", "/admin/snapshot", headers: ["x-admin-key": "admin"]).status == 200)
            }
            kill(server.pid, SIGKILL)
            _ = server.stop()
        }
    }
}
