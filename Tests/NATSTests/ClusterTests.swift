import Foundation
import NATS
import NATSTestSupport
import Testing

@Suite(.enabled(if: NATSServerProcess.isInstalled, "nats-server is not installed; `make cluster-deps` installs it"))
struct ClusterTests {
    /// A stream with three replicas keeps taking writes and keeps every message when its leader dies.
    @Test(.timeLimit(.minutes(1))) func replicatedStreamSurvivesItsLeader() async throws {
        let cluster = try await NATSCluster.start()
        defer { cluster.stop() }
        let first = try await cluster.servers[0].connect()
        let js = JetStream(connection: first, timeout: .seconds(2))
        let info = try await retrying { try await js.createStream(name: "CLUSTERED", subjects: ["clustered.>"], replicas: 3) }
        #expect(info.config.numReplicas == 3)

        for index in 0..<50 {
            try await retrying { try await js.publish(subject: "clustered.\(index % 5)", payload: [UInt8(index)], msgID: "m-\(index)") }
        }
        let leaderName = try await retrying { () async throws -> String in
            guard let leader = try await js.streamInfo("CLUSTERED").cluster?.leader else { throw LeaderUnknown() }
            return leader
        }
        let leader = try #require(cluster.server(named: leaderName))
        let survivor = try #require(cluster.servers.first { $0.name != leaderName })
        await first.close()
        leader.kill()

        let connection = try await survivor.connect()
        let survivingJS = JetStream(connection: connection, timeout: .seconds(3))
        for index in 50..<100 {
            // msgID makes a retried publish that did land count once.
            let ack = try await retrying {
                try await survivingJS.publish(subject: "clustered.\(index % 5)", payload: [UInt8(index)], msgID: "m-\(index)")
            }
            #expect(ack.stream == "CLUSTERED")
        }
        let state = try await retrying { try await survivingJS.streamInfo("CLUSTERED") }
        #expect(state.state.messages == 100)
        #expect(state.cluster?.leader != leaderName)

        // Ephemeral consumers are placed through the meta leader, which may still be moving.
        let payloads = try await retrying {
            var payloads: [UInt8] = []
            for try await message in survivingJS.messages(stream: "CLUSTERED") { payloads += message.payload }
            return payloads
        }
        #expect(payloads == (0..<100).map { UInt8($0) })
        await connection.close()
    }

    struct LeaderUnknown: Error {}
}

/// Retries `body` for up to 20 s: a cluster answers with timeouts, no responders and
/// "temporarily unavailable" errors while it elects leaders.
@discardableResult
func retrying<T>(_ body: () async throws -> T) async throws -> T {
    let deadline = ContinuousClock.now + .seconds(20)
    while true {
        do {
            return try await body()
        } catch {
            if ContinuousClock.now > deadline { throw error }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
