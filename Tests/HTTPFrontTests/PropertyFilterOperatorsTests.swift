import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// `not_contains`, `not_in`, `is_set` and `is_not_set` in the native filter language: estimates
/// count with them, and a saved segment shows its rules back in the shape they came in.
@Suite struct PropertyFilterOperatorsTests {
    @Test func newOperatorsCountAndRoundTrip() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: SegmentRoutesTests.events)
            for (rule, size) in [(#"{"type":"user_property","property":"plan","op":"not_in","value":["pro","team"]}"#, 2),
                                 (#"{"type":"user_property","property":"plan","op":"not_contains","value":"fr"}"#, 1),
                                 (#"{"type":"user_property","property":"plan","op":"is_set"}"#, 3),
                                 (#"{"type":"user_property","property":"country","op":"is_not_set"}"#, 3)] {
                let estimate = try await client.send(.post, "/api/segments/estimate", json: #"{"rules":[\#(rule)]}"#)
                #expect(estimate.json["size"] as? Int == size, "\(rule)")
            }
            let saved = try await client.send(.post, "/api/segments", json: #"""
                {"name":"Unpaid","rules":[{"type":"user_property","property":"plan","op":"not_in","value":["pro"]},{"type":"user_property","property":"plan","op":"is_set"}]}
                """#)
            let rules = (saved.json["segment"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
            #expect(rules.first?["value"] as? [String] == ["pro"])
            #expect(rules.last?["op"] as? String == "is_set")
            #expect(rules.last?["value"] == nil)
            let missing = try await client.send(.post, "/api/segments/estimate", json: #"{"rules":[{"type":"user_property","property":"plan","op":"not_in","value":"pro"}]}"#)
            #expect(missing.status == .badRequest)
            #expect(missing.json.errorField == "rules[0].value")
        }
    }
}
