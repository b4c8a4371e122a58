import Foundation
@testable import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// The dashboard's files and the tracker are served without a key, revalidated by ETag; the live
/// stream pushes the live answer when data changes.
@Suite struct DashboardRoutesTests {
    @Test func filesAreServedWithoutAKeyAndRevalidatedByETag() async throws {
        try await TestServer.make().test(.router) { client in
            for (path, type) in [("/", "text/html"), ("/tracker.js", "text/javascript"), ("/dashboard/dashboard.js", "text/javascript"),
                                 ("/dashboard/charts.js", "text/javascript"), ("/dashboard/dashboard.css", "text/css")] {
                let (status, headers, body) = try await client.execute(uri: path, method: .get) { ($0.status, $0.headers, String(buffer: $0.body)) }
                #expect(status == .ok, "\(path)")
                #expect(headers[.contentType]?.hasPrefix(type) == true, "\(path)")
                #expect(body == StaticAssets.files[path])
                let etag = try #require(headers[.eTag])
                let again = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: etag]) { $0.status }
                #expect(again == .notModified)
            }
            let tracker = try await client.execute(uri: "/tracker.js", method: .get) { $0.headers[.cacheControl] }
            #expect(tracker == "public, max-age=3600")
            let page = try await client.execute(uri: "/", method: .get) { $0.headers[.cacheControl] }
            #expect(page == "no-cache")
        }
    }

    @Test func theEmbeddedCopyIsTheFiles() throws {
        let root = OpenAPITests.packageRoot.appendingPathComponent("Sources/HTTPFront")
        for (path, file) in [("/", "Dashboard/index.html"), ("/dashboard/dashboard.css", "Dashboard/dashboard.css"), ("/dashboard/charts.js", "Dashboard/charts.js"),
                             ("/dashboard/dashboard.js", "Dashboard/dashboard.js"), ("/tracker.js", "Tracker/tracker.js")] {
            var text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            if !text.hasSuffix("\n") { text += "\n" }
            #expect(StaticAssets.files[path].map { $0 + "\n" } == text, "Sources/HTTPFront/StaticAssetFiles.swift is stale for \(file): run `make assets`")
        }
    }

    @Test func theLiveStreamPushesAChangeAndEnds() async throws {
        try await TestServer.make().test(.router) { client in
            async let stream = client.execute(uri: "/api/live/stream?key=acme-key", method: .get) { response in
                (response.status, response.headers[.contentType], String(buffer: response.body))
            }
            try await Task.sleep(for: .milliseconds(500))
            let ingest = try await client.send(.post, "/ingest", json: #"{"event_type":"login","user_email":"live@x.io","timestamp":"2026-10-31T11:59:30Z"}"#)
            #expect(ingest.status == .ok)
            let (status, type, body) = try await stream
            #expect(status == .ok)
            #expect(type == "text/event-stream")
            #expect(body.hasPrefix("retry: 1000\n\n"))
            let events = body.components(separatedBy: "event: live\ndata: ").dropFirst().map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            #expect(events.count >= 2)
            let first = try JSONSerialization.jsonObject(with: Data(try #require(events.first).utf8)) as? [String: Any]
            let last = try JSONSerialization.jsonObject(with: Data(try #require(events.last).utf8)) as? [String: Any]
            #expect(first?["active_users"] as? Int == 0)
            #expect(last?["active_users"] as? Int == 1)
        }
    }

    @Test func aKeyInTheQueryIsTakenOnlyWhereABrowserCannotSendAHeader() async throws {
        try await TestServer.make().test(.router) { client in
            let body = ByteBuffer(string: #"{"event_type":"login","user_email":"q@x.io"}"#)
            let beacon = try await client.execute(uri: "/ingest?key=acme-public", method: .post, headers: [.contentType: "text/plain"], body: body) { $0.status }
            #expect(beacon == .ok)
            // A key that reads data never travels in an ingest URL, and a public key reads nothing.
            let admin = try await client.execute(uri: "/ingest?key=acme-key", method: .post, body: body) { $0.status }
            #expect(admin == .unauthorized)
            let read = try await client.execute(uri: "/api/live?key=acme-public", method: .get) { $0.status }
            #expect(read == .unauthorized)
            let publicStream = try await client.execute(uri: "/api/live/stream?key=acme-public", method: .get) { $0.status }
            #expect(publicStream == .forbidden)
        }
    }
}
