import Actors
import Hummingbird
import NIOCore

/// `GET /api/live/stream`: server-sent events of `GET /api/live`'s answer, pushed when the
/// tenant's data changes (at most every `minimumGapMs`) and at least every 30 s (the minute
/// sparkline moves on its own). A stream ends after `maxSeconds` (`server.stream_max_seconds`);
/// EventSource reconnects by itself, so a proxy or a fuzzer never holds a connection forever.
/// EventSource cannot send headers: the key may come as `?key=`.
struct LiveStreamRoutes {
    let liveCache: LiveCache
    let maxSeconds: Int
    static let minimumGapMs = 200
    static let heartbeatSeconds = 30

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/live/stream", use: stream)
    }

    @Sendable func stream(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let first = try await ActivityRoutes.liveJSON(tenant, now: tenant.now(), cache: liveCache)
        let (changes, wake) = tenant.liveChanges.subscribe()
        let cache = liveCache, maxSeconds = maxSeconds
        let body = ResponseBody { writer in
            let deadline = ContinuousClock.now + .seconds(maxSeconds)
            // A tick beside the changes: the heartbeat, and the end of the stream's time.
            let ticker = Task {
                while !Task.isCancelled, ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .seconds(min(Self.heartbeatSeconds, maxSeconds)))
                    wake()
                }
            }
            defer { ticker.cancel() }
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            try await writer.write(Self.event(first))
            for await _ in changes {
                if ContinuousClock.now >= deadline { break }
                try await writer.write(Self.event(try await ActivityRoutes.liveJSON(tenant, now: tenant.now(), cache: cache)))
                try await Task.sleep(for: .milliseconds(Self.minimumGapMs))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    static func event(_ json: JSONWriter) -> ByteBuffer {
        var buffer = ByteBuffer(string: "event: live\ndata: ")
        buffer.writeBytes(json.bytes)
        buffer.writeString("\n\n")
        return buffer
    }
}
