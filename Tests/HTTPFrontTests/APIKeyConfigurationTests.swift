import Foundation
import HTTPFront
import Testing

@Suite struct APIKeyConfigurationTests {
    func parse(_ keys: String) throws -> BeaconConfiguration {
        try BeaconConfiguration.parse(Data(#"{"tenants":[{"id":"t","api_keys":\#(keys)}]}"#.utf8))
    }

    func problem(_ keys: String) -> String? {
        do { _ = try parse(keys); return nil } catch { return "\(error)" }
    }

    @Test func keysMayBeObjectsWithARoleAndMember() throws {
        let config = try parse(#"["bare", {"key":"v","role":"viewer","member":"vera"}, {"key":"e","role":"editor"}]"#)
        #expect(config.tenants[0].apiKeys == ["bare", "v", "e"])
        #expect(config.apiKeyGrants["bare"] == nil)
        #expect(config.apiKeyGrants["v"] == APIKeyGrant(role: .viewer, member: "vera"))
        #expect(config.apiKeyGrants["e"] == APIKeyGrant(role: .editor, member: APIKeyGrant.defaultMember(for: "e")))
    }

    @Test(arguments: [
        (#"[{"role":"viewer"}]"#, "config: tenants[0].api_keys[0].key: is required"),
        (#"[{"key":"k"}]"#, "config: tenants[0].api_keys[0].role: is required (viewer, editor or admin)"),
        (#"[{"key":"k","role":"owner"}]"#, "config: tenants[0].api_keys[0].role: must be viewer, editor or admin, got 'owner'"),
        (#"[{"key":"k","role":"admin","member":""}]"#, "config: tenants[0].api_keys[0].member: must be a non-empty string"),
        (#"[{"key":"k","role":"admin","scope":"x"}]"#, "config: tenants[0].api_keys[0].scope: unknown key (expected one of key, member, role)"),
        (#"["k", {"key":"k","role":"admin"}]"#, "config: tenants[0].api_keys[1]: is used twice"),
        (#"[7]"#, "config: tenants[0].api_keys[0]: must be a non-empty string"),
    ])
    func badKeysNameTheirPlace(_ keys: String, _ expected: String) {
        #expect(problem(keys) == expected)
    }
}
