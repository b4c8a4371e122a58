import Cluster
import Foundation
import HTTPFront
import Testing

/// The `cluster` section and per-tenant partitions: read when right, a message naming the key
/// when not.
@Suite struct ClusterConfigurationTests {
    func parse(_ cluster: String, tenant: String = "") throws -> BeaconConfiguration {
        try BeaconConfiguration.parse(Data(#"{"cluster":\#(cluster),"tenants":[{"id":"t","api_keys":["k"]\#(tenant)}]}"#.utf8))
    }

    func problem(_ cluster: String, tenant: String = "") -> String? {
        do { _ = try parse(cluster, tenant: tenant); return nil } catch { return "\(error)" }
    }

    let good = #"{"node":"n1","url":"http://127.0.0.1:8081","nats":["nats://127.0.0.1:4222","nats://10.0.0.2"]}"#

    @Test func aClusterSectionIsRead() throws {
        let config = try parse(good, tenant: #","partitions":4"#)
        let cluster = try #require(config.cluster)
        #expect(cluster.node == "n1" && cluster.url == "http://127.0.0.1:8081")
        #expect(cluster.servers == [.init(host: "127.0.0.1", port: 4222), .init(host: "10.0.0.2", port: 4222)])
        #expect(cluster.replicas == 3 && cluster.leaseMs == 6_000)
        #expect(cluster.partitions["t"]?.count == 4)
        #expect(try BeaconConfiguration.parse(Data(#"{"tenants":[{"id":"t","api_keys":["k"]}]}"#.utf8)).cluster == nil)
    }

    @Test(arguments: [
        (#"{"url":"http://a","nats":["nats://a:1"]}"#, "", "cluster.node: is required"),
        (#"{"node":"n 1","url":"http://a","nats":["nats://a:1"]}"#, "", "cluster.node: must be"),
        (#"{"node":"n1","nats":["nats://a:1"]}"#, "", "cluster.url: is required"),
        (#"{"node":"n1","url":"http://a/b","nats":["nats://a:1"]}"#, "", "cluster.url: must be"),
        (#"{"node":"n1","url":"http://a","nats":[]}"#, "", "cluster.nats: must be"),
        (#"{"node":"n1","url":"http://a","nats":["tcp://a:1"]}"#, "", "cluster.nats[0]: must be nats://"),
        (#"{"node":"n1","url":"http://a","nats":["nats://a:1","nats://a:99999"]}"#, "", "cluster.nats[1]: must be nats://"),
        (#"{"node":"n1","url":"http://a","nats":["nats://a:1"],"replicas":7}"#, "", "cluster.replicas: must be between 1 and 5"),
        (#"{"node":"n1","url":"http://a","nats":["nats://a:1"],"lease_ms":10}"#, "", "cluster.lease_ms: must be between"),
        (#"{"node":"n1","url":"http://a","nats":["nats://a:1"],"leader":true}"#, "", "cluster.leader: unknown key"),
        (#"{"node":"n1","url":"http://a","nats":["nats://a:1"]}"#, #","partitions":0"#, "tenants[0].partitions: must be between 1 and 256"),
    ])
    func problemsNameTheKey(cluster: String, tenant: String, expected: String) {
        let message = problem(cluster, tenant: tenant)
        #expect(message?.contains(expected) == true, "\(message ?? "accepted")")
    }

    @Test func partitionsNeedClusterMode() throws {
        let message: String? = {
            do { _ = try BeaconConfiguration.parse(Data(#"{"tenants":[{"id":"t","api_keys":["k"],"partitions":2}]}"#.utf8)); return nil } catch { return "\(error)" }
        }()
        #expect(message?.contains("tenants[0].partitions: needs cluster mode") == true)
    }
}
