import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// A retried write with the same `Idempotency-Key` is answered the first answer and counts once.
@Suite struct IdempotencyTests {
    static let key = FieldName("Idempotency-Key")!

    @Test func aRetryAnswersTheFirstAnswerAndAppliesNothing() async throws {
        try await TestServer.make().test(.router) { client in
            let body = #"{"events":[{"event_type":"login","user_email":"a@x.com"},{"event_type":"login","user_email":"b@x.com"}]}"#
            let first = try await client.send(.post, "/ingest", headers: [Self.key: "batch-1"], json: body)
            let again = try await client.send(.post, "/ingest", headers: [Self.key: "batch-1"], json: body)
            #expect(first.status == .ok && again.status == .ok)
            #expect(again.json["accepted"] as? Int == 2)
            #expect(again.headers[FieldName("Idempotent-Replayed")!] == "true")
            #expect(first.headers[FieldName("Idempotent-Replayed")!] == nil)
            #expect(try await client.send(.get, "/api/data/stats").json["events"] as? Int == 2, "counted once")

            let other = try await client.send(.post, "/ingest", headers: [Self.key: "batch-1"], json: #"{"event_type":"x","user_email":"a@x.com"}"#)
            #expect(other.status == .unprocessableContent)
            #expect(other.json.errorField == "Idempotency-Key")
            let fresh = try await client.send(.post, "/ingest", headers: [Self.key: "batch-2"], json: body)
            #expect(fresh.status == .ok)
            #expect(try await client.send(.get, "/api/data/stats").json["events"] as? Int == 4, "another key is another write")
        }
    }

    @Test func editsAreCoveredAndARefusedRequestLeavesTheKeyFree() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: #"{"event_type":"login","user_email":"a@x.com"}"#)
            let refused = try await client.send(.post, "/api/segments", headers: [Self.key: "seg-1"], json: #"{"name":"x","rules":[{"type":"nope"}]}"#)
            #expect(refused.status == .badRequest)
            let rules = #"{"name":"logged in","rules":[{"type":"did_event","event":"login","within_days":7}]}"#
            let created = try await client.send(.post, "/api/segments", headers: [Self.key: "seg-1"], json: rules)
            let repeated = try await client.send(.post, "/api/segments", headers: [Self.key: "seg-1"], json: rules)
            #expect(created.status == .created || created.status == .ok)
            #expect(repeated.status == created.status)
            let id = (created.json["segment"] as? [String: Any])?["id"] as? Int
            #expect(id != nil && (repeated.json["segment"] as? [String: Any])?["id"] as? Int == id)
            let list = try await client.send(.get, "/api/segments")
            #expect((list.json["segments"] as? [Any])?.count == 1, "one segment, not two")
        }
    }

    @Test func badKeysAreRefusedByName() async throws {
        try await TestServer.make().test(.router) { client in
            for key in [String(repeating: "k", count: 256), "has space", "tab\tkey", "é"] {
                let answer = try await client.send(.post, "/ingest", headers: [Self.key: key], json: #"{"event_type":"x","user_email":"a@x.com"}"#)
                #expect(answer.status == .badRequest, "\(key.prefix(10))")
                #expect(answer.json.errorField == "Idempotency-Key")
            }
            #expect(try await client.send(.get, "/api/data/stats").json["events"] as? Int == 0)
            let read = try await client.send(.get, "/api/live", headers: [Self.key: "has space"])
            #expect(read.status == .ok, "reads ignore the header")
        }
    }

    @Test func concurrentDuplicatesApplyOnce() async throws {
        try await TestServer.make().test(.live) { client in
            let body = #"{"event_type":"login","user_email":"a@x.com"}"#
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<8 { group.addTask { try await client.send(.post, "/ingest", headers: [Self.key: "same"], json: body).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok || $0 == .conflict }, "\(statuses)")
            #expect(statuses.contains(.ok))
            #expect(try await client.send(.get, "/api/data/stats").json["events"] as? Int == 1)
        }
    }
}
