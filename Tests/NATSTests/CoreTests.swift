import Foundation
import NATS
import NATSTestSupport
import Testing

@Suite(.enabled(if: NATSServerProcess.isInstalled, "nats-server is not installed; `make cluster-deps` installs it"))
struct CoreTests {
    @Test func publishSubscribeRoundTrip() async throws {
        try await withNATSServer { server in
            let connection = try await server.connect(name: "round-trip")
            #expect(connection.serverInfo.version.hasPrefix("2."))
            let subscription = try connection.subscribe("beacon.test.*")
            try await connection.flush()
            for index in 0..<100 {
                try connection.publish("beacon.test.\(index % 3)", payload: Array("message \(index)".utf8))
            }
            var received: [String] = []
            for try await message in subscription {
                received.append(message.payloadString)
                #expect(message.reply == nil)
                #expect(message.headers == nil)
                if received.count == 100 { break }
            }
            #expect(received == (0..<100).map { "message \($0)" })
            await connection.close()
            #expect(connection.isClosed)
        }
    }

    @Test func largePayloadRoundTrip() async throws {
        try await withNATSServer { server in
            let connection = try await server.connect()
            let subscription = try connection.subscribe("big")
            try await connection.flush()
            let payload = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try connection.publish("big", payload: payload)
            var iterator = subscription.makeAsyncIterator()
            let message = try await iterator.next()
            #expect(message?.payload == payload)
            #expect(throws: NATSError.self) {
                try connection.publish("big", payload: [UInt8](repeating: 0, count: connection.serverInfo.maxPayload + 1))
            }
            await connection.close()
        }
    }

    @Test func queueGroupsShareMessages() async throws {
        try await withNATSServer { server in
            let connection = try await server.connect()
            let first = try connection.subscribe("work", queue: "workers")
            let second = try connection.subscribe("work", queue: "workers")
            try await connection.flush()
            for index in 0..<50 { try connection.publish("work", payload: [UInt8(index)]) }
            try await connection.flush()
            first.unsubscribe()
            second.unsubscribe()
            var count = 0
            for try await _ in first { count += 1 }
            for try await _ in second { count += 1 }
            #expect(count == 50)
            await connection.close()
        }
    }

    @Test func requestReply() async throws {
        try await withNATSServer { server in
            let responderConnection = try await server.connect(name: "responder")
            let service = try responderConnection.subscribe("echo")
            try await responderConnection.flush()
            let responder = Task {
                for try await request in service {
                    guard let reply = request.reply else { continue }
                    try responderConnection.publish(reply, headers: request.headers, payload: Array("echo: ".utf8) + request.payload)
                }
            }
            let connection = try await server.connect(name: "requester")
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await connection.request("echo", payload: Array("\(index)".utf8), timeout: .seconds(5)).payloadString
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(answers == Set((0..<20).map { "echo: \($0)" }))
            service.unsubscribe()
            responder.cancel()
            await responderConnection.close()
            await connection.close()
        }
    }

    @Test func noRespondersAndTimeout() async throws {
        try await withNATSServer { server in
            let connection = try await server.connect()
            await #expect(throws: NATSError.noResponders(subject: "nobody.home")) {
                _ = try await connection.request("nobody.home", payload: [], timeout: .seconds(2))
            }
            let silent = try connection.subscribe("silent")
            try await connection.flush()
            let start = ContinuousClock.now
            do {
                _ = try await connection.request("silent", payload: [], timeout: .milliseconds(300))
                Issue.record("a request nobody answers returned")
            } catch NATSError.timeout {
                #expect(ContinuousClock.now - start >= .milliseconds(250))
            }
            silent.unsubscribe()
            await connection.close()
        }
    }

    @Test func headersRoundTrip() async throws {
        try await withNATSServer { server in
            let connection = try await server.connect()
            let subscription = try connection.subscribe("with.headers")
            try await connection.flush()
            let headers: NATSHeaders = ["Trace-Id": "abc-123", "X-Multi": "one", "x-multi": "two", "Empty": ""]
            try connection.publish("with.headers", reply: "answer.here", headers: headers, payload: Array("body".utf8))
            try connection.publish("with.headers", headers: ["Only": "headers"], payload: [])
            var iterator = subscription.makeAsyncIterator()
            let first = try #require(try await iterator.next())
            #expect(first.headers == headers)
            #expect(first.headers?["trace-id"] == "abc-123")
            #expect(first.headers?.values(for: "X-MULTI") == ["one", "two"])
            #expect(first.reply == "answer.here")
            #expect(first.payloadString == "body")
            #expect(first.status == nil)
            let second = try #require(try await iterator.next())
            #expect(second.headers?["only"] == "headers")
            #expect(second.payload.isEmpty)
            await connection.close()
        }
    }

    @Test func serverGoingAwayFailsPendingCalls() async throws {
        let server = try await NATSServerProcess.start()
        defer { server.stop() }
        let connection = try await server.connect()
        let subscription = try connection.subscribe("never")
        let silent = try connection.subscribe("silent")
        try await connection.flush()
        let pending = Task { try await connection.request("silent", payload: [], timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(100))
        server.kill()
        await #expect(throws: NATSError.self) { _ = try await pending.value }
        await #expect(throws: NATSError.self) {
            for try await _ in subscription {}
        }
        #expect(connection.isClosed)
        #expect(throws: NATSError.self) { try connection.publish("x", payload: []) }
        await #expect(throws: NATSError.self) { try await connection.flush() }
        silent.unsubscribe()
    }

    @Test func refusesBadSubjects() async throws {
        try await withNATSServer { server in
            let connection = try await server.connect()
            for subject in ["", "a..b", "a b", "trailing.", "wild.*"] {
                #expect(throws: NATSError.self, "\(subject.debugDescription)") { try connection.publish(subject, payload: []) }
            }
            // The connection survives: nothing bad reached the server.
            try await connection.flush()
            #expect(!connection.isClosed)
            await connection.close()
        }
    }

    @Test func cannotConnectToAClosedPort() async throws {
        let port = try freePort()
        await #expect(throws: NATSError.self) {
            _ = try await NATSConnection.connect(port: port, timeout: .seconds(2))
        }
    }
}
