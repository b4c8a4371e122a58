import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// The Personyze-compatible API over HTTP: Basic `api:KEY` auth and the seed's plain-text errors,
/// every object's reads and writes, the grammar's operators, ordering and limits, the
/// whole-table refusals, and writes that become events, all or nothing.
@Suite struct PersonyzeRoutesTests {
    struct Answer {
        var status: HTTPResponse.Status
        var text: String
        var headers: HTTPFields
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) }
        var rows: [[String: Any]] { json as? [[String: Any]] ?? [] }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
    }

    static func basic(_ user: String, _ key: String) -> String { "Basic " + Data("\(user):\(key)".utf8).base64EncodedString() }

    @discardableResult
    static func pz(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, key: String? = "acme-key", user: String = "api",
                   json: String? = nil, contentType: String = "application/json") async throws -> Answer {
        var fields: HTTPFields = [:]
        if let key { fields[.authorization] = basic(user, key) }
        if json != nil { fields[.contentType] = contentType }
        return try await client.execute(uri: "/personyze/rest/" + path, method: method, headers: fields, body: json.map { ByteBuffer(string: $0) }) { response in
            Answer(status: response.status, text: String(buffer: response.body), headers: response.headers)
        }
    }

    @Test func authAndTheSeedsErrorTexts() async throws {
        try await TestServer.make().test(.router) { client in
            for (key, user) in [(nil, "api"), ("nope", "api"), ("acme-key", "admin")] as [(String?, String)] {
                let refused = try await Self.pz(client, .get, "placeholders", key: key, user: user)
                #expect(refused.status == .unauthorized && refused.text == "Please, log in" && refused.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            }
            #expect(try await Self.pz(client, .get, "placeholders").text == "[]")
            #expect(try await Self.pz(client, .get, "users").text == "Cannot do this operation on whole table")
            let wrongMethod = try await Self.pz(client, .post, "actions", json: "{}")
            #expect(wrongMethod.status == .methodNotAllowed && wrongMethod.headers[.allow] == "GET")
            #expect(try await Self.pz(client, .get, "nothing").status == .notFound)
            let bad = try await Self.pz(client, .get, "users/where/a~1")
            #expect(bad.status == .badRequest && bad.text.hasPrefix("where (segment 3)") && bad.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(try await Self.pz(client, .get, "placeholders/5").text == "Row not found")
            let viewer = try await Self.pz(client, .post, "placeholders", key: "acme-viewer", json: #"{"name":"x"}"#)
            #expect(viewer.status == .forbidden)
            #expect(try await Self.pz(client, .get, "summary_actions/order_by/day").text == "Cannot do this operation on whole table", "day must be in the where")
            #expect(try await Self.pz(client, .get, "events/where/time>1").text == "Cannot do this operation on whole table")
            // Bounds far past any time are answered, not trapped on.
            for path in ["products_interactions/where/user_id=1&time>1e300", "events/where/user_id=1&time<-1e300", "summary_actions/where/day>=1e300",
                         "summary_actions/where/day<=-9223372036854775808", "forms/where/time:1e300,-1e300", "sessions_archive/where/session_start_time>=1e300"] {
                let answer = try await Self.pz(client, .get, path)
                #expect(answer.status == .ok && answer.text == "[]", "\(path): \(answer.text)")
            }
        }
    }

    @Test func usersAreBeaconsUsersWithTheirProperties() async throws {
        try await TestServer.make().test(.router) { client in
            let alice = try await Self.pz(client, .post, "users", json: #"{"internal_id":"acct-987","email":"alice@example.com","first_name":"Alice","custom_field_x":"vip"}"#)
            #expect(alice.status == .ok && alice.text == "1")
            #expect(try await Self.pz(client, .post, "users", json: #"{"email":"bob@example.com","custom_i_1":7}"#).text == "2")
            // curl -d labels JSON as a form: a body opening with { is read as JSON; a real form works too.
            #expect(try await Self.pz(client, .post, "users", json: "email=carol%40example.com&first_name=Carol", contentType: "application/x-www-form-urlencoded").text == "3")
            #expect(try await Self.pz(client, .post, "users", json: #"{"internal_id":"acct-987","last_name":"Liddell"}"#).text == "1", "a known internal_id is patched")
            let one = try await Self.pz(client, .get, "users/where/internal_id=acct-987")
            #expect(one.rows.count == 1 && one.rows[0]["first_name"] as? String == "Alice" && one.rows[0]["last_name"] as? String == "Liddell"
                    && one.rows[0]["user_id"] as? Int == 1 && one.rows[0]["session_counter"] as? Int == 1 && one.rows[0]["last_session_time"] as? Int == 1_793_448_000)
            #expect(try await Self.pz(client, .get, "users/2").object["email"] as? String == "bob@example.com")
            #expect(try await Self.pz(client, .get, "users/where/email=bob%40example.com/column/user_id").json as? [Int] == [2])
            #expect(try await Self.pz(client, .put, "users/where/internal_id=acct-987", json: #"{"first_name":"Alicia"}"#).text == "1")
            #expect(try await Self.pz(client, .put, "users/where/user_id:1,2,3", json: #"{"plan":"pro"}"#).text == "3")
            let ordered = try await Self.pz(client, .get, "users/order_by_desc/user_id/columns/user_id,first_name,plan/limit/1,2")
            #expect(ordered.rows.map { $0["user_id"] as? Int } == [2, 1] && ordered.rows[1]["first_name"] as? String == "Alicia" && ordered.rows[0]["plan"] as? String == "pro")
            #expect(Array(ordered.rows[0].keys).count == 3)
            for (body, field) in [(#"{"user_id":5,"email":"x@y.z"}"#, "user_id"), (#"{"first_name":"x"}"#, "internal_id"), (#"{"internal_id":"a","bad-name":1}"#, "bad-name"),
                                  (#"{"internal_id":"a","nested":{"a":1}}"#, "nested"), ("[1]", "body")] {
                let refused = try await Self.pz(client, .post, "users", json: body)
                #expect(refused.status == .badRequest && refused.text.hasPrefix(field), "\(body): \(refused.text)")
            }
            #expect(try await Self.pz(client, .put, "users", json: #"{"a":"b"}"#).text == "Cannot do this operation on whole table")
            #expect(try await Self.pz(client, .put, "users/1", json: #"{"internal_id":"z"}"#).status == .badRequest)
            // The native API sees the same user and its properties.
            let native = try await client.send(.get, "/api/users/acct-987")
            #expect(native.status == .ok)
            #expect(try await Self.pz(client, .delete, "users/where/internal_id=acct-987").text == "1")
        }
    }

    @Test func everyOperatorOverTheCatalogue() async throws {
        try await TestServer.make().test(.router) { client in
            for i in 1...12 {
                let body = #"{"internal_id":"SKU-\#(i)","title":"P\#(i)","price":\#(i * 10),"category":"\#(["tools", "toys", "food"][i % 3])","is_in_stock":"\#(i % 2 == 0 ? "yes" : "no")","image_1":"b\#(i).jpg"}"#
                #expect(try await Self.pz(client, .post, "products", json: body).text == "\(i)")
            }
            func ids(_ path: String) async throws -> [Int] { try await Self.pz(client, .get, "products/" + path + "/column/id").json as? [Int] ?? [-1] }
            #expect(try await ids("where/price=30") == [3])
            #expect(try await ids("where/price!=30&price<50") == [1, 2, 4])
            #expect(try await ids("where/price>100") == [11, 12])
            #expect(try await ids("where/price>=110") == [11, 12])
            #expect(try await ids("where/price<=20") == [1, 2])
            #expect(try await ids("where/internal_id:SKU-1,SKU-7,SKU-99") == [1, 7])
            #expect(try await ids("where/category!:tools,toys") == [2, 5, 8, 11])
            #expect(try await ids("where/category=tools&is_in_stock=yes|price=10") == [1, 6, 12])
            #expect(try await ids("where/category=food/order_by_desc/price/limit/1,2") == [8, 5])
            #expect(try await ids("where/price>0/order_by/is_in_stock,price/limit/3") == [1, 3, 5])
            let upsert = try await Self.pz(client, .post, "products", json: #"{"internal_id":"SKU-3","title":"Renamed","image_2":"m.jpg"}"#)
            #expect(upsert.text == "3")
            let three = try await Self.pz(client, .get, "products/3").object
            #expect(three["title"] as? String == "Renamed" && three["image_big_url"] as? String == "b3.jpg" && three["image_medium_url"] as? String == "m.jpg" && three["price"] as? Int == 30)
            #expect(try await Self.pz(client, .put, "products/where/category=food", json: #"{"is_in_stock":"no"}"#).text == "4")
            #expect(try await Self.pz(client, .put, "products/3", json: #"{"is_in_stock":"maybe"}"#).text.hasPrefix("is_in_stock"))
            #expect(try await Self.pz(client, .put, "products/3", json: #"{"internal_id":"SKU-4"}"#).status == .conflict)
            #expect(try await Self.pz(client, .delete, "products/where/internal_id=SKU-12").text == "1")
            #expect(try await Self.pz(client, .get, "products/where/internal_id=SKU-12").text == "[]")
            #expect(try await Self.pz(client, .post, "products", json: #"{"title":"no key"}"#).text.hasPrefix("internal_id"))
            #expect(try await Self.pz(client, .post, "articles", json: #"{"internal_id":"how-to","is_published":"yes","image_3":"s.jpg"}"#).text == "1")
            #expect(try await Self.pz(client, .get, "articles/where/is_published=yes").rows.first?["image_small_url"] as? String == "s.jpg")
        }
    }

    @Test func configurationTablesKeepTheSeedsColumnsAndDefaults() async throws {
        try await TestServer.make().test(.router) { client in
            #expect(try await Self.pz(client, .post, "placeholders", json: ##"{"name":"Hero banner","html_id":"#hero"}"##).text == "1")
            #expect(try await Self.pz(client, .get, "placeholders/1").object["units_count_max"] as? Int == 1)
            #expect(try await Self.pz(client, .put, "placeholders/1", json: #"{"units_count_max":3}"#).text == "1")
            #expect(try await Self.pz(client, .put, "placeholders/1", json: #"{"units_count_max":-1}"#).text.hasPrefix("units_count_max"))
            #expect(try await Self.pz(client, .post, "placeholders", json: #"{"name":"x","colour":"red"}"#).text.hasPrefix("colour"))
            let grab = try await Self.pz(client, .post, "containers_grab_variable", json: #"{"name":"Cart total","variable_path":"window.dataLayer[0].cart.total","mask":"^([0-9.]+)$","watch_variable":1}"#)
            #expect(grab.text == "1")
            let row = try await Self.pz(client, .get, "containers_grab_variable").rows.first ?? [:]
            #expect(row["is_active"] as? Int == 1 && row["watch_variable"] as? Int == 1 && row["mask"] as? String == "^([0-9.]+)$")
            #expect(try await Self.pz(client, .put, "containers_grab_variable/1", json: #"{"is_active":2}"#).status == .badRequest)
            #expect(try await Self.pz(client, .put, "containers_grab_variable/1", json: #"{"is_active":0}"#).text == "1")
            #expect(try await Self.pz(client, .delete, "containers_grab_variable/1").text == "1")
            #expect(try await Self.pz(client, .delete, "placeholders/where/name=Hero%20banner").text == "1")
            #expect(try await Self.pz(client, .get, "placeholders").text == "[]")
        }
    }

    @Test func listsAreVisitorListSegments() async throws {
        try await TestServer.make().test(.router) { client in
            #expect(try await Self.pz(client, .post, "users", json: #"{"internal_id":"acct-987"}"#).text == "1")
            let list = try await Self.pz(client, .post, "user_lists", json: #"{"name":"VIPs"}"#)
            let id = try #require(Int(list.text))
            #expect(try await Self.pz(client, .post, "user_list_users", json: #"{"user_list_id":\#(id),"user_id":1}"#).text == "1")
            #expect(try await Self.pz(client, .post, "user_list_users", json: #"{"user_list_id":\#(id),"user_internal_id":"acct-555"}"#).text == "1", "a stub user is made")
            #expect(try await Self.pz(client, .post, "user_list_users", json: #"{"user_list_id":\#(id),"user_email":"dora@example.com"}"#).text == "1")
            #expect(try await Self.pz(client, .post, "user_list_users", json: #"{"user_list_id":\#(id),"user_id":1,"user_email":"x@y.z"}"#).status == .badRequest)
            #expect(try await Self.pz(client, .post, "user_list_users", json: #"{"user_list_id":999,"user_id":1}"#).text.hasPrefix("user_list_id"))
            let members = try await Self.pz(client, .get, "user_list_users/where/user_list_id=\(id)/column/user_id")
            #expect(members.json as? [Int] == [1, 2, 3])
            #expect(try await Self.pz(client, .get, "users/where/email=dora%40example.com/column/internal_id").json as? [String] == ["dora@example.com"])
            let segment = try await client.send(.get, "/api/segments/\(id)")
            #expect(segment.status == .ok && (segment.json["segment"] as? [String: Any] ?? segment.json)["name"] as? String == "VIPs")
            #expect(try await Self.pz(client, .delete, "user_list_users/where/user_list_id=\(id)&user_id=2").text == "1")
            #expect(try await Self.pz(client, .get, "user_lists/\(id)").object["n_users"] as? Int == 2)
            #expect(try await Self.pz(client, .put, "user_lists/\(id)", json: #"{"name":"VIP customers"}"#).text == "1")
            #expect(try await Self.pz(client, .post, "user_lists", json: #"{"name":"VIP customers"}"#).status == .conflict)
            #expect(try await Self.pz(client, .delete, "user_lists/\(id)").text == "1")
            #expect(try await Self.pz(client, .get, "user_list_users/where/user_list_id=\(id)").text == "[]", "memberships go with the list")
            #expect(try await Self.pz(client, .get, "conditions").text == "[]")
        }
    }

    @Test func interactionsCommandsAndReports() async throws {
        try await TestServer.make().test(.router) { client in
            #expect(try await Self.pz(client, .post, "products", json: #"{"internal_id":"SKU-1234","category":"tools","tags":"power,diy"}"#).text == "1")
            let commands = #"[["internal_id","acct-987","User profile","custom_t_1","VIP","first_name","Alice"],["internal_id","acct-987","Product viewed","SKU-1234"],"#
                + #"["internal_id","acct-987","Product purchased","SKU-1234","quantity",2,"amount",259.98],["email","eve@example.com","Product added to cart","SKU-1234"]]"#
            let done = try await Self.pz(client, .post, "do", json: commands)
            #expect(done.status == .ok && done.text.isEmpty)
            // All or nothing: a bad command leaves the good ones before it unapplied.
            let refused = try await Self.pz(client, .post, "do", json: #"[["internal_id","zed","Product viewed","SKU-1"],["internal_id","zed","Product exploded","SKU-1"]]"#)
            #expect(refused.status == .badRequest && refused.text.hasPrefix("commands[1][2]"))
            #expect(try await Self.pz(client, .get, "users/where/internal_id=zed").text == "[]")
            for (body, prefix) in [("{}", "body"), ("[]", "body"), (#"[["phone","1","User profile","a","b"]]"#, "commands[0][0]"),
                                   (#"[["internal_id","a","User profile","a"]]"#, "commands[0][3]"), (#"[["internal_id","a","Product viewed","S","quantity","x"]]"#, "commands[0][5]")] {
                let answer = try await Self.pz(client, .post, "do", json: body)
                #expect(answer.status == .badRequest && answer.text.hasPrefix(prefix), "\(body): \(answer.text)")
            }
            #expect(try await Self.pz(client, .post, "products_interactions",
                                      json: #"{"user_internal_id":"acct-987","product_internal_id":"SKU-1234","quantity":1,"status":"favorite","amount":5}"#).text == "1")
            #expect(try await Self.pz(client, .post, "products_interactions", json: #"{"user_id":1,"product_internal_id":"SKU-1234","status":"bought"}"#).text.hasPrefix("status"))
            let mine = try await Self.pz(client, .get, "products_interactions/where/user_id=1/columns/status,quantity,amount/order_by/status")
            #expect(mine.rows.map { $0["status"] as? String } == ["favorite", "goal", "viewed"] && mine.rows[1]["quantity"] as? Int == 2)
            #expect(try await Self.pz(client, .get, "products_interactions/limit/5").text == "Cannot do this operation on whole table")
            let stats = try await Self.pz(client, .get, "products_stats_all/where/internal_id=SKU-1234").object.isEmpty
            #expect(stats, "a where is not an id: the answer is a list")
            let all = try await Self.pz(client, .get, "products_stats_all/where/internal_id=SKU-1234").rows.first ?? [:]
            #expect(all["n_viewed"] as? Int == 1 && all["n_goal"] as? Int == 1 && all["n_extra"] as? Int == 1 && all["n_favorite"] as? Int == 1 && all["last_goal_user_id_0"] as? Int == 1)
            let sessions = try await Self.pz(client, .get, "sessions_archive/where/user_id=1")
            #expect(sessions.rows.count == 1 && sessions.rows[0]["first_visit_id"] as? Int == 1_000_001 && sessions.rows[0]["total_goal_value"] as? Double == 259.98)
            let interests = try await Self.pz(client, .get, "user_interests/where/user_id=1/order_by_desc/rank")
            #expect(Set(interests.rows.compactMap { $0["value"] as? String }) == ["tools", "power", "diy"] && interests.rows.first?["n_times"] as? Int == 3)
            let events = try await Self.pz(client, .get, "events/where/user_id=1/order_by/id/columns/id,container_types")
            #expect(events.rows.compactMap { $0["container_types"] as? String } == ["identify", "product_viewed", "product_purchased", "product_favorited"])
            #expect(try await Self.pz(client, .get, "forms/where/user_id=1").text == "[]")
            #expect(try await Self.pz(client, .get, "summary_actions/where/day>0").text == "[]")
            #expect(try await Self.pz(client, .delete, "products_interactions/where/user_id=1&status=viewed").text == "1")
            #expect(try await Self.pz(client, .get, "products_stats_all/where/internal_id=SKU-1234/column/n_viewed").json as? [Int] == [0])
            let html = try await Self.pz(client, .get, "tracker_code")
            #expect(html.headers[.contentType]?.hasPrefix("text/html") == true && html.text.contains("acme-public") && html.text.contains("/tracker.js"))
        }
    }

    @Test func actionsConditionsFormsAndSummaryActionsReadBeaconsRecords() async throws {
        try await TestServer.make().test(.router) { client in
            let segment = try await client.send(.post, "/api/segments", json: #"{"name":"Exporters","rules":[{"type":"did_event","event":"export","within_days":7}]}"#)
            let segmentID = try #require((segment.json["segment"] as? [String: Any])?["id"] as? Int)
            let created = try await client.send(.post, "/api/nudges", json: #"{"title":"Share it","body":"<b>Send</b>","target_page_url":"/reports/*","target_segment_id":\#(segmentID)}"#)
            let nudge = try #require((created.json["nudge"] as? [String: Any])?["id"] as? Int)
            #expect(try await Self.pz(client, .get, "actions/where/version_tag=testing/column/id").json as? [Int] == [nudge])
            try await client.send(.post, "/api/nudges/\(nudge)/activate")
            let action = try await Self.pz(client, .get, "actions/where/id=\(nudge)/columns/id,name,version_tag,content_begin,condition_id").rows.first ?? [:]
            #expect(action["version_tag"] as? String == "production" && action["content_begin"] as? String == "<b>Send</b>" && action["condition_id"] as? Int == segmentID)
            #expect(try await Self.pz(client, .get, "conditions").rows.map { $0["name"] as? String } == ["Exporters"])
            let events = #"{"events":[{"event_type":"export","user_email":"a@x.com","timestamp":"2026-10-31T11:58:00Z"},"#
                + #"{"event_type":"form_submitted","user_email":"a@x.com","timestamp":"2026-10-31T11:59:00Z","properties":{"email":"a@x.com","message":"hi","action_id":"\#(nudge)"}},"#
                + #"{"event_type":"product_purchased","user_email":"a@x.com","timestamp":"2026-10-31T12:00:30Z","properties":{"product_id":"SKU-1","quantity":"3","amount":"30"}}]}"#
            #expect(try await client.send(.post, "/ingest", json: events).status == .ok)
            // The server's clock is 12:00: the impression falls in the session, before the purchase.
            try await client.send(.post, "/api/nudges/\(nudge)/track", json: #"{"event_type":"impression","user_email":"a@x.com"}"#)
            try await client.send(.post, "/api/nudges/\(nudge)/track", json: #"{"event_type":"click","user_email":"a@x.com"}"#)
            let forms = try await Self.pz(client, .get, "forms/where/action_id=\(nudge)&time>0/columns/user_id,email,message,action_id")
            #expect(forms.rows.count == 1 && forms.rows[0]["message"] as? String == "hi" && forms.rows[0]["action_id"] as? Int == nudge)
            let day = 1_793_404_800   // 2026-10-31T00:00:00Z
            let summary = try await Self.pz(client, .get, "summary_actions/where/day>=\(day)/columns/day,action_id,action_name,campaign_name,n_executed,n_extra,products_goal_n_times,products_goal_value")
            let row = summary.rows.first ?? [:]
            #expect(summary.rows.count == 1 && row["day"] as? Int == day && row["action_name"] as? String == "Share it" && row["campaign_name"] as? String == "Exporters")
            #expect(row["n_executed"] as? Int == 1 && row["n_extra"] as? Int == 1, "\(row)")
            #expect(row["products_goal_n_times"] as? Int == 3 && row["products_goal_value"] as? Double == 30, "a purchase of three after the impression, in its session")
            #expect(try await Self.pz(client, .get, "summary_actions/where/day<\(day)").text == "[]")
        }
    }
}
