import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import HTTPFront

/// Ask: each question shape answered with the numbers its repeatable query gives, follow-ups in a
/// chat, suggestions for what maps to nothing, the token budget, and the 4xx answers.
@Suite struct AskRoutesTests {
    static func ingest(_ client: some TestClientProtocol) async throws {
        var events: [String] = []
        for u in 0..<12 {
            let account = u < 6 ? "acme" : "globex"
            for d in 0..<10 where (u + d) % 3 != 0 {
                let day = String(format: "2026-10-%02d", 31 - d)
                events.append(#"{"event_type":"login","user_email":"u\#(u)@x.com","account_id":"\#(account)","timestamp":"\#(day)T09:00:00Z","page":"/home"}"#)
                if u % 2 == 0 { events.append(#"{"event_type":"sign_up","user_email":"u\#(u)@x.com","account_id":"\#(account)","timestamp":"\#(day)T09:01:00Z","page":"/join"}"#) }
                if u % 4 == 0 { events.append(#"{"event_type":"purchase","user_email":"u\#(u)@x.com","account_id":"\#(account)","timestamp":"\#(day)T09:05:00Z"}"#) }
            }
        }
        #expect(try await client.send(.post, "/ingest", json: #"{"events":[\#(events.joined(separator: ","))]}"#).status == .ok)
    }

    static func ask(_ client: some TestClientProtocol, _ message: String, chat: String? = nil) async throws -> [String: Any] {
        let chatField = chat.map { #","chat_id":"\#($0)""# } ?? ""
        let answer = try await client.send(.post, "/api/prody", json: #"{"message":"\#(message)"\#(chatField)}"#)
        #expect(answer.status == .ok, "\(message)")
        return answer.json
    }

    static func query(_ answer: [String: Any], _ i: Int = 0) -> String { ((answer["queries"] as? [[String: Any]])?[i]["path"] as? String) ?? "" }
    static func value(_ answer: [String: Any]) -> Int? { (answer["data"] as? [String: Any])?["value"] as? Int }

    @Test func everyShapeAnswersWhatItsQueryAnswers() async throws {
        try await TestServer.make().test(.router) { client in
            try await Self.ingest(client)
            let active = try await Self.ask(client, "How many active users did we have in the last 7 days?")
            #expect(active["method"] as? String == "rules" && active["intent"] as? String == "active_users")
            #expect(Self.query(active) == "/api/adoption?days=7&end=2026-10-31")
            let repeated = try await client.send(.get, Self.query(active)).json["active_users"] as? Int
            #expect(Self.value(active) == repeated)
            #expect(Self.value(active) == 12)

            let compared = try await Self.ask(client, "active users this week compared to last week")
            let data = compared["data"] as? [String: Any] ?? [:]
            let before = try await client.send(.get, Self.query(compared, 1)).json["active_users"] as? Int
            #expect(data["previous_value"] as? Int == before)

            let top = try await Self.ask(client, "what are the top events yesterday?")
            let rows = (top["data"] as? [String: Any])?["rows"] as? [[String: Any]] ?? []
            let listed = try await client.send(.get, Self.query(top)).json["event_types"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["name"] as? String } == listed.prefix(5).map { $0["event_type"] as? String } && !rows.isEmpty)

            let pages = try await Self.ask(client, "which pages were viewed most last month")
            #expect(pages["intent"] as? String == "top_pages" && Self.query(pages).hasPrefix("/api/pages?days=30&end=2026-09-30"))

            let count = try await Self.ask(client, "how many purchase events in the last 10 days")
            let counted = (try await client.send(.get, Self.query(count)).json["event_types"] as? [[String: Any]])?.first { $0["event_type"] as? String == "purchase" }
            #expect(count["intent"] as? String == "event_count" && Self.value(count) == counted?["count"] as? Int)

            let funnel = try await Self.ask(client, "funnel from sign up to purchase")
            #expect(funnel["intent"] as? String == "funnel" && Self.query(funnel).contains("steps=sign_up,purchase"))
            let steps = (try await client.send(.get, Self.query(funnel)).json["steps"] as? [[String: Any]]) ?? []
            #expect(Self.value(funnel) == steps.last?["users"] as? Int && Self.value(funnel) == 3)

            let user = try await Self.ask(client, "what did u4@x.com do this week?")
            #expect(user["intent"] as? String == "user_activity" && (user["answer"] as? String)?.contains("u4@x.com") == true)
            let account = try await Self.ask(client, "how is account acme doing vs before")
            #expect(account["intent"] as? String == "account_activity" && (account["data"] as? [String: Any])?["previous_value"] != nil)
            let declining = try await Self.ask(client, "which accounts are declining?")
            #expect(declining["intent"] as? String == "declining_accounts" && Self.query(declining).hasPrefix("/api/accounts/declining"))
            let unhealthy = try await Self.ask(client, "show me unhealthy accounts")
            let red = try await client.send(.get, "/api/health?status=red").json["total"] as? Int
            #expect(unhealthy["intent"] as? String == "unhealthy_accounts" && Self.value(unhealthy) == red)
        }
    }

    @Test func chatsFollowUpAndUnknownShapesGetSuggestions() async throws {
        try await TestServer.make().test(.router) { client in
            try await Self.ingest(client)
            let first = try await Self.ask(client, "how many active users today")
            let chat = try #require(first["chat_id"] as? String)
            let follow = try await Self.ask(client, "and last month?", chat: chat)
            #expect(follow["intent"] as? String == "active_users" && Self.query(follow) == "/api/adoption?days=30&end=2026-09-30")
            #expect(follow["chat_id"] as? String == chat)
            let again = try await Self.ask(client, "compared to the period before?", chat: chat)
            #expect((again["data"] as? [String: Any])?["previous_value"] != nil)
            let lost = try await Self.ask(client, "write me a poem about spreadsheets")
            #expect(lost["understood"] as? Bool == false && (lost["suggestions"] as? [Any])?.count == 3 && (lost["queries"] as? [Any])?.isEmpty == true)
            let tokens = lost["tokens"] as? [String: Any] ?? [:]
            #expect(tokens["limit"] as? Int == 100_000 && (tokens["used"] as? Int ?? 0) > 0)
            #expect(try await client.send(.post, "/api/prody", json: #"{"message":"hi","chat_id":"chat_nope"}"#).status == .notFound)
            #expect(try await client.send(.post, "/api/prody", key: "globex-key", json: #"{"message":"hi","chat_id":"\#(chat)"}"#).status == .notFound)
        }
    }

    @Test func theTokenBudgetIsEnforcedOverADay() throws {
        let chats = AskChats()
        let now: Int64 = 1_000_000_000
        _ = try chats.begin(tenant: "t", chatID: nil, tokens: 60_000, nowMs: now)
        _ = chats.finish(tenant: "t", chatID: nil, question: nil, tokens: 60_000, nowMs: now)
        _ = chats.finish(tenant: "t", chatID: nil, question: nil, tokens: 30_000, nowMs: now + 3_600_000)
        #expect(chats.used(tenant: "t", nowMs: now + 3_600_000) == 90_000)
        #expect(throws: AskChats.Refusal.self) { try chats.begin(tenant: "t", chatID: nil, tokens: 20_000, nowMs: now + 3_600_000) }
        do { _ = try chats.begin(tenant: "t", chatID: nil, tokens: 20_000, nowMs: now + 3_600_000) } catch {
            if case .overBudget(let retry, let used) = error { #expect(retry == 23 * 3_600 && used == 90_000) } else { Issue.record("\(error)") }
        }
        #expect(chats.used(tenant: "other", nowMs: now) == 0)
        // A day after the first, its 60,000 are back.
        _ = try chats.begin(tenant: "t", chatID: nil, tokens: 20_000, nowMs: now + 24 * 3_600_000 + 1)
        #expect(AskChats.tokens("how many  active\nusers") == 4)
    }

    @Test func badInputIsA4xxNamingTheField() async throws {
        try await TestServer.make().test(.router) { client in
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("{}", .badRequest, "message"), (#"{"message":""}"#, .badRequest, "message"), (#"{"message":"  "}"#, .badRequest, "message"),
                (#"{"message":5}"#, .badRequest, "message"), (#"{"message":"\#(String(repeating: "a ", count: 1_001))"}"#, .badRequest, "message"),
                (#"{"message":"hi","chat_id":""}"#, .badRequest, "chat_id"), (#"{"message":"hi","chat_id":7}"#, .badRequest, "chat_id"),
                (#"{"message":"hi","extra":1}"#, .badRequest, "extra"), ("[]", .badRequest, "body"),
            ]
            for (body, status, field) in cases {
                let answer = try await client.send(.post, "/api/prody", json: body)
                #expect(answer.status == status && answer.json.errorField == field, "\(body.prefix(60))")
            }
        }
    }
}
