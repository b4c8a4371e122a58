import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// kill -9 at random moments while clients ingest; after each restart every acknowledged event
/// is there, and nothing that was never sent.
@Suite(.serialized) struct CrashRecoveryTests {
    static func config(dataDirectory: URL, fsync: String, snapshotEvery: Int = 0) -> String {
        #"""
        {"server":{"admin_keys":["admin"]},
         "storage":{"data_dir":"\#(dataDirectory.path)","wal_fsync":"\#(fsync)","wal_fsync_interval_ms":50,"snapshot_every_events":\#(snapshotEvery),"snapshot_interval_s":0},
         "rate_limits":{"ingest":{"requests":1000000,"window_seconds":60},"api":{"requests":1000000,"window_seconds":60}},
         "tenants":[{"id":"crash","api_keys":["crash-key"]}]}
        """#
    }

    /// Clients that send batches until stopped; counts what was acknowledged.
    actor Tally {
        var acknowledged = 0
        var sent = 0
        func send(_ n: Int) { sent += n }
        func ack(_ n: Int) { acknowledged += n }
    }

    func round(server: ServerProcess, tally: Tally, seconds: Double) async {
        let deadline = Date().addingTimeInterval(seconds)
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<4 {
                group.addTask {
                    var n = 0
                    while Date() < deadline {
                        n += 1
                        let events = (0..<25).map { i in #"{"event_type":"e\#(i % 3)","user_email":"c\#(client)-\#(n)-\#(i)@x.com"}"# }
                        await tally.send(25)
                        guard let reply = try? await server.request("POST", "/ingest", key: "crash-key", json: #"{"events":[\#(events.joined(separator: ","))]}"#) else { return }
                        if reply.status == 200 { await tally.ack(25) }
                    }
                }
            }
            // The kill lands while requests are in flight.
            try? await Task.sleep(for: .seconds(seconds * Double.random(in: 0.3...0.9)))
            kill(server.pid, SIGKILL)
        }
    }

    func eventsAfterRestart(_ config: String, dataDirectory: URL) async throws -> Int {
        let server = try ServerProcess(config: config)
        defer { _ = server.stop() }
        try await server.waitUntilReady()
        return try await server.request("GET", "/api/data/stats", key: "crash-key").json["events"] as? Int ?? -1
    }

    @Test(arguments: ["always", "interval"])
    func everyAcknowledgedEventSurvivesKill9(fsync: String) async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-crash-\(UUID().uuidString)")
        let config = Self.config(dataDirectory: dataDirectory, fsync: fsync)
        let tally = Tally()
        // 10 rounds per mode, 20 in all, each killed at a random moment.
        for _ in 0..<10 {
            let server = try ServerProcess(config: config)
            await round(server: server, tally: tally, seconds: 0.5)
            server.process.waitUntilExit()
            let recovered = try await eventsAfterRestart(config, dataDirectory: dataDirectory)
            let acknowledged = await tally.acknowledged, sent = await tally.sent
            #expect(recovered >= acknowledged, "lost acknowledged events (\(fsync))")
            #expect(recovered <= sent)
        }
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    @Test func aDamagedWALStopsTheStartUnlessForced() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-damage-\(UUID().uuidString)")
        let config = Self.config(dataDirectory: dataDirectory, fsync: "always")
        do {
            let server = try ServerProcess(config: config)
            try await server.waitUntilReady()
            for i in 0..<3 {
                _ = try await server.request("POST", "/ingest", key: "crash-key", json: #"{"event_type":"a","user_email":"u\#(i)@x.com"}"#)
            }
            _ = server.stop()
        }
        let walDirectory = dataDirectory.appendingPathComponent("crash/wal")
        let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: walDirectory.path).filter { $0.hasSuffix(".log") }
            .first { (try? FileManager.default.attributesOfItem(atPath: walDirectory.appendingPathComponent($0).path)[.size] as? Int ?? 0) ?? 0 > 0 })
        let url = walDirectory.appendingPathComponent(segment)
        var bytes = try Data(contentsOf: url)
        bytes[20] ^= 0x01
        try bytes.write(to: url)

        let configURL = dataDirectory.appendingPathComponent("config.json")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        let refused = try ServerProcess.runToExit(["serve", "--config", configURL.path, "--port", "0"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("damaged"))

        let forced = try ServerProcess(arguments: ["serve", "--config", configURL.path, "--port", "0", "--force-recover"])
        defer { _ = forced.stop() }
        #expect(try await forced.waitUntilReady() == "ok")
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    @Test func snapshotsAndTheWALRecoverEverythingEvenPastADamagedSnapshot() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-snapkill-\(UUID().uuidString)")
        let config = Self.config(dataDirectory: dataDirectory, fsync: "always", snapshotEvery: 400)
        let tally = Tally()
        for _ in 0..<3 {
            let server = try ServerProcess(config: config)
            await round(server: server, tally: tally, seconds: 0.8)
            server.process.waitUntilExit()
        }
        let snapshots = dataDirectory.appendingPathComponent("crash/snapshots")
        let files = try FileManager.default.contentsOfDirectory(atPath: snapshots.path).filter { $0.hasPrefix("snapshot-") }.sorted()
        #expect(files.count >= 2, "snapshots were taken while ingesting")
        let acknowledged = await tally.acknowledged, sent = await tally.sent
        let recovered = try await eventsAfterRestart(config, dataDirectory: dataDirectory)
        #expect(recovered >= acknowledged && recovered <= sent)

        // Damage the newest snapshot: the one before it plus the WAL still hold every event.
        if let newest = try FileManager.default.contentsOfDirectory(atPath: snapshots.path).filter({ $0.hasPrefix("snapshot-") }).sorted().last {
            let url = snapshots.appendingPathComponent(newest)
            var bytes = try Data(contentsOf: url)
            bytes[bytes.count / 2] ^= 0x10
            try bytes.write(to: url)
        }
        let afterDamage = try await eventsAfterRestart(config, dataDirectory: dataDirectory)
        #expect(afterDamage == recovered)

        // On demand, with an admin key only.
        let server = try ServerProcess(config: config)
        defer { _ = server.stop() }
        try await server.waitUntilReady()
        #expect(try await server.request("POST", "/admin/snapshot", key: "crash-key").status == 401)
        let made = try await server.request("POST", "/admin/snapshot", headers: ["x-admin-key": "admin"])
        #expect(made.status == 200)
        #expect((made.json["snapshots"] as? [[String: Any]])?.first?["events"] as? Int == afterDamage)

        let verify = Process()
        verify.executableURL = ServerProcess.binary
        verify.arguments = ["snapshot", "verify", dataDirectory.path]
        let output = Pipe()
        verify.standardOutput = output
        try verify.run()
        verify.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(verify.terminationStatus == 1, "the damaged snapshot is reported")
        #expect(text.contains("DAMAGED"))
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    /// Properties, owners and notes go through the WAL like events: acknowledged edits survive
    /// kill -9, from the WAL alone and again from a snapshot plus the WAL.
    @Test func profileEditsSurviveKill9() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-profiles-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let config = Self.config(dataDirectory: dataDirectory, fsync: "always")
        var server = try ServerProcess(config: config)
        try await server.waitUntilReady()
        _ = try await server.request("POST", "/ingest", key: "crash-key", json: #"{"event_type":"login","user_email":"a@x.com","account_id":"acme"}"#)
        #expect(try await server.request("PUT", "/api/accounts/acme/properties", key: "crash-key", json: #"{"properties":{"industry":"Retail"}}"#).status == 200)
        #expect(try await server.request("PUT", "/api/accounts/acme/owner", key: "crash-key", json: #"{"owner_email":"cs@x.com"}"#).status == 200)
        let note = try await server.request("POST", "/api/accounts/acme/notes", key: "crash-key", json: #"{"content":"renewal"}"#)
        #expect(note.status == 201)
        #expect(try await server.request("PUT", "/api/users/a@x.com/properties", key: "crash-key", json: #"{"properties":{"first_name":"Ann"}}"#).status == 200)
        let segment = try await server.request("POST", "/api/segments", key: "crash-key",
                                               json: #"{"name":"Logged in","segment_type":"static","rules":[{"type":"did_event","event":"login"}]}"#)
        #expect(segment.status == 201)
        let nudge = try await server.request("POST", "/api/nudges", key: "crash-key", json: #"{"title":"Hi","target_page_url":"/home","target_segment_id":1}"#)
        #expect(nudge.status == 201)
        #expect(try await server.request("POST", "/api/nudges/1/activate", key: "crash-key", json: "{}").status == 200)
        #expect(try await server.request("POST", "/api/nudges/1/track", key: "crash-key", json: #"{"event_type":"impression","user_email":"a@x.com"}"#).status == 200)
        let journey = try await server.request("POST", "/api/journeys", key: "crash-key",
                                               json: #"{"name":"Activation","steps":[{"event_type":"login","label":"Log in"},{"event_type":"setup","label":"Set up"}]}"#)
        #expect(journey.status == 201)
        #expect(try await server.request("POST", "/api/journeys/1/recommendations/drop-1/dismiss", key: "crash-key", json: "{}").status == 200)
        kill(server.pid, SIGKILL)
        _ = server.stop()

        for round in 0..<2 {
            server = try ServerProcess(config: config)
            try await server.waitUntilReady()
            let account = try await server.request("GET", "/api/accounts/acme", key: "crash-key")
            #expect((account.json["properties"] as? [String: String])?["industry"] == "Retail", "round \(round)")
            #expect(account.json["owner_email"] as? String == "cs@x.com", "round \(round)")
            #expect((account.json["notes"] as? [[String: Any]])?.first?["id"] as? Int == note.json["id"] as? Int, "round \(round)")
            let user = try await server.request("GET", "/api/users/a@x.com", key: "crash-key")
            #expect((user.json["properties"] as? [String: String])?["first_name"] == "Ann", "round \(round)")
            let frozen = try await server.request("GET", "/api/segments/1", key: "crash-key")
            #expect(frozen.json["users"] as? [String] == ["a@x.com"], "round \(round)")
            let eligible = try await server.request("GET", "/api/nudges/eligible?user_email=a@x.com&page_url=/home", key: "crash-key")
            #expect((eligible.json["nudges"] as? [[String: Any]])?.count == 1, "round \(round)")
            let recovered = try await server.request("GET", "/api/journeys/1", key: "crash-key")
            #expect((recovered.json["recommendations"] as? [[String: Any]])?.first?["status"] as? String == "dismissed", "round \(round)")
            let audience = try await server.request("GET", "/api/nudges/1/audience", key: "crash-key")
            #expect((audience.json["stats"] as? [String: Any])?["shown"] as? Int == 1, "round \(round)")
            if round == 0 {
                #expect(try await server.request("POST", "/admin/snapshot", headers: ["x-admin-key": "admin"]).status == 200)
            }
            kill(server.pid, SIGKILL)
            _ = server.stop()
        }
    }
}
