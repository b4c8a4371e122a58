import Foundation
import HTTPFront
import Testing

@Suite struct ConfigurationTests {
    func problem(_ json: String) -> String? {
        do { _ = try BeaconConfiguration.parse(Data(json.utf8)); return nil } catch { return "\(error)" }
    }

    @Test func theShippedConfigIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = try BeaconConfiguration.load(path: root.appendingPathComponent("config.json").path)
        #expect(config.port == 8080)
        #expect(config.tenants.first?.apiKeys == ["demo-key"])
    }

    @Test func problemsNameTheKey() {
        let tenant = #"{"id":"t","api_keys":["k"]}"#
        #expect(problem(#"{"tenants":[\#(tenant)],"sever":{}}"#)?.contains("sever") == true)
        #expect(problem(#"{"tenants":[{"id":"t","api_keys":["k"],"timezone":"Mars/Base"}]}"#)?.contains("tenants[0].timezone") == true)
        #expect(problem(#"{"tenants":[\#(tenant)],"server":{"port":"80"}}"#)?.contains("server.port") == true)
        #expect(problem(#"{"tenants":[]}"#)?.contains("tenants") == true)
        #expect(problem(#"{"tenants":[\#(tenant),\#(tenant)]}"#)?.contains("tenants[1].id") == true)
        #expect(problem(#"{"tenants":[\#(tenant)],"rate_limits":{"api":{"requests":0}}}"#)?.contains("rate_limits.api.requests") == true)
        #expect(problem(#"{"tenants":[\#(tenant)]}"#) == nil)
    }

    @Test(arguments: [
        (#""server":{"port":true}"#, "server.port: must be an integer"),
        (#""server":{"port":8080.5}"#, "server.port: must be an integer"),
        (#""server":{"admin_keys":[1]}"#, "server.admin_keys[0]: must be a non-empty string"),
        (#""storage":{"data_dir":"/tmp/x","snapshot_keep":false}"#, "storage.snapshot_keep: must be an integer"),
    ])
    func booleansAndFractionsAreNotIntegers(_ extra: String, _ problemText: String) {
        #expect(problem(#"{"tenants":[{"id":"t","api_keys":["k"]}],\#(extra)}"#) == "config: \(problemText)")
    }

    @Test func aWholeNumberWrittenWithAFractionIsAnInteger() throws {
        let config = try BeaconConfiguration.parse(Data(#"{"tenants":[{"id":"t","api_keys":["k"]}],"server":{"port":8081.0}}"#.utf8))
        #expect(config.port == 8081)
    }
}
