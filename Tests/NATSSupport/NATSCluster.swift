import Foundation
import NATS

/// Three nats-servers routed into one JetStream cluster ("c", servers n1, n2, n3).
public final class NATSCluster: @unchecked Sendable {
    public let servers: [NATSServerProcess]
    private let directory: URL

    private init(servers: [NATSServerProcess], directory: URL) {
        self.servers = servers
        self.directory = directory
    }

    public static func start() async throws -> NATSCluster {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nats-cluster-\(UUID().uuidString)")
        let clientPorts = try (0..<3).map { _ in try freePort() }
        let routePorts = try (0..<3).map { _ in try freePort() }
        var servers: [NATSServerProcess] = []
        do {
            for index in 0..<3 {
                let routes = routePorts.enumerated().filter { $0.offset != index }.map { "nats://127.0.0.1:\($0.element)" }
                servers.append(try await NATSServerProcess.start(
                    name: "n\(index + 1)", port: clientPorts[index],
                    directory: directory.appendingPathComponent("n\(index + 1)"),
                    extraArguments: [
                        "-cluster_name", "c", "-cluster", "nats://127.0.0.1:\(routePorts[index])",
                        "-routes", routes.joined(separator: ","),
                    ]))
            }
        } catch {
            for server in servers { server.kill() }
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        let cluster = NATSCluster(servers: servers, directory: directory)
        try await cluster.waitForJetStream()
        return cluster
    }

    /// JetStream answers once the servers have found each other and elected a meta leader.
    private func waitForJetStream() async throws {
        let connection = try await servers[0].connect()
        defer { Task { await connection.close() } }
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let reply = try? await connection.request("$JS.API.INFO", payload: [], timeout: .seconds(1)),
               !reply.payloadString.contains("\"error\"")
            {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw NATSServerProcess.ServerError.neverAccepted(port: servers[0].port, log: servers[0].log())
    }

    public func server(named name: String) -> NATSServerProcess? {
        servers.first { $0.name == name }
    }

    public func stop() {
        for server in servers { server.kill() }
        try? FileManager.default.removeItem(at: directory)
    }
}
