import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Streams an NDJSON file of events to a running server in batches, with a live progress line.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Send a file of events (NDJSON: native ingest fields or the generator's line format) to a running server.")

    @Argument(help: "NDJSON file: one event per line, or {\"events\":[...]} / {\"merges\":[...]} lines.")
    var file: String

    @Option(help: "Base URL of the server.") var url: String = "http://127.0.0.1:8080"
    @Option(name: .customLong("api-key"), help: "API key of the tenant.") var apiKey: String
    @Option(name: .customLong("batch-size"), help: "Events per request (at most 1000).") var batchSize: Int = 1000
    @Option(help: "Requests in flight at once.") var concurrency: Int = 4

    func validate() throws {
        guard (1...1000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 1000") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
        guard URL(string: url) != nil else { throw ValidationError("--url is not a URL") }
    }

    func run() async throws {
        guard let input = FileHandle(forReadingAtPath: file) else { throw ImportError(description: "cannot open \(file)") }
        let totalBytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let progress = ImportProgress(totalBytes: totalBytes)
        let client = ImportClient(baseURL: url, apiKey: apiKey, onWait: { seconds, reason in await progress.waiting(seconds: seconds, reason: reason) })
        let reader = BatchReader(handle: input, batchSize: batchSize)
        // Each request carries an Idempotency-Key unique to this run, so a retry after a lost answer
        // (a timeout, a storage fault) never applies a batch twice.
        let run = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var inFlight = 0
            var requestNumber = 0
            while let piece = try reader.next() {
                if inFlight >= concurrency { try await group.next(); inFlight -= 1 }
                let bytesRead = reader.bytesRead
                requestNumber += 1
                let key = "import-\(run)-\(requestNumber)"
                group.addTask {
                    switch piece {
                    case .events(let body, let count):
                        try await client.post("/ingest", body: body, idempotencyKey: key)
                        await progress.sent(events: count, bytesRead: bytesRead)
                    case .merges(let bodies):
                        for (i, body) in bodies.enumerated() { try await client.post("/ingest/merge", body: body, idempotencyKey: "\(key)-\(i)") }
                        await progress.merged(bodies.count)
                    }
                }
                inFlight += 1
            }
            try await group.waitForAll()
        }
        await progress.finish()
    }
}

/// Turns lines into request bodies without decoding the events: lines are joined as they are.
final class BatchReader {
    enum Piece { case events(Data, count: Int), merges([Data]) }
    private let handle: FileHandle
    private let batchSize: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var eof = false
    private var pendingMerges: [Data] = []
    private var pushedBack: ArraySlice<UInt8>?
    private(set) var bytesRead = 0

    init(handle: FileHandle, batchSize: Int) { self.handle = handle; self.batchSize = batchSize }

    func next() throws -> Piece? {
        var body: [UInt8] = Array(#"{"events":["#.utf8)
        var count = 0
        while count < batchSize {
            guard let line = nextLine() else { break }
            if line.isEmpty { continue }
            if Self.starts(line, with: #"{"events":"#) || Self.starts(line, with: #"{"events": "#) {
                if count == 0 { return .events(Data(line), count: Self.countEvents(Data(line))) }
                pushedBack = line
                break
            }
            if Self.starts(line, with: #"{"merges":"#) {
                let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
                for merge in object?["merges"] as? [[String: Any]] ?? [] { pendingMerges.append(try Self.mergeBody(merge)) }
                continue
            }
            if Self.starts(line, with: #"{"type":"merge""#) {
                pendingMerges.append(try Self.mergeBody(JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] ?? [:]))
                continue
            }
            if count > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: line)
            count += 1
        }
        if count == 0 {
            if !pendingMerges.isEmpty { defer { pendingMerges = [] }; return .merges(pendingMerges) }
            return nil
        }
        body.append(contentsOf: Array("]}".utf8))
        return .events(Data(body), count: count)
    }

    private static func starts(_ line: ArraySlice<UInt8>, with prefix: String) -> Bool {
        line.starts(with: prefix.utf8)
    }

    /// The next line (without its newline), reading the file in 8 MB pieces.
    private func nextLine() -> ArraySlice<UInt8>? {
        if let line = pushedBack { pushedBack = nil; return line }
        while true {
            let found: Int? = buffer.withUnsafeBufferPointer { bytes in
                guard position < bytes.count, let base = bytes.baseAddress,
                      let hit = memchr(base + position, Int32(UInt8(ascii: "\n")), bytes.count - position) else { return nil }
                return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            if let newline = found {
                let line = buffer[position..<newline]
                position = newline + 1
                bytesRead += line.count + 1
                return line
            }
            if eof {
                guard position < buffer.count else { return nil }
                let line = buffer[position...]
                position = buffer.count
                bytesRead += line.count
                return line
            }
            buffer.removeFirst(position)
            position = 0
            let chunk = handle.readData(ofLength: 8 << 20)
            if chunk.isEmpty { eof = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    static func countEvents(_ line: Data) -> Int {
        ((try? JSONSerialization.jsonObject(with: line) as? [String: Any])?["events"] as? [Any])?.count ?? 0
    }

    /// A generator merge record ({"anonymous_id","user_id",...}) as a native merge body.
    static func mergeBody(_ record: [String: Any]) throws -> Data {
        let user = record["user_email"] ?? record["user_id"] ?? ""
        return try JSONSerialization.data(withJSONObject: ["anonymous_id": record["anonymous_id"] ?? "", "user_email": user])
    }
}

struct ImportError: Error, CustomStringConvertible { var description: String }

struct ImportClient: Sendable {
    let baseURL: String
    let apiKey: String
    /// Told how long the client waits before a retry, and why.
    var onWait: @Sendable (_ seconds: Double, _ reason: String) async -> Void = { _, _ in }

    static func errorCode(_ data: Data) -> String? {
        ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]).flatMap { $0["error"] as? [String: Any] }?["code"] as? String
    }

    func post(_ path: String, body: Data, idempotencyKey: String) async throws {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(apiKey, forHTTPHeaderField: "x-api-key")
        request.setValue(idempotencyKey, forHTTPHeaderField: "Idempotency-Key")
        var storageRetries = 0
        while true {
            let (data, response) = try await URLSession.shared.upload(for: request, from: body)
            let http = response as? HTTPURLResponse
            let status = http?.statusCode ?? 0
            if status == 200 { return }
            // A rate limit or a recovering tenant passes: wait as long as the server asks, however
            // often. A storage fault may not, so it is retried a few times only.
            let code = Self.errorCode(data)
            // Applied by an earlier attempt whose answer was lost: done, not to be sent again.
            if status == 409 && code == "idempotency_key_used" { return }
            let passes = status == 429 || (status == 503 && code == "unavailable")
            if status == 503 && code == "storage_unavailable" && storageRetries < 4 { storageRetries += 1 } else if !passes {
                throw ImportError(description: "POST \(path) answered \(status): \(String(decoding: data, as: UTF8.self))")
            }
            let wait = max(0.05, http?.value(forHTTPHeaderField: "Retry-After").flatMap(Double.init) ?? 1)
            await onWait(wait, status == 429 ? "rate limited" : "server busy")
            try await Task.sleep(for: .seconds(wait))
        }
    }
}

/// The live progress line (stderr) and the closing summary (stdout).
actor ImportProgress {
    let totalBytes: Int
    let start = Date()
    var events = 0
    var merges = 0
    var bytesRead = 0
    var lastPrint = Date.distantPast

    init(totalBytes: Int) { self.totalBytes = totalBytes }

    func sent(events count: Int, bytesRead: Int) {
        events += count
        self.bytesRead = max(self.bytesRead, bytesRead)
        if Date().timeIntervalSince(lastPrint) >= 0.5 { printLine(); lastPrint = Date() }
    }

    func merged(_ count: Int) { merges += count }

    /// Shows a wait the server asked for (Retry-After) on the progress line.
    func waiting(seconds: Double, reason: String) {
        waitUntil = Date().addingTimeInterval(seconds)
        waitReason = reason
        printLine()
        lastPrint = Date()
    }

    var waitUntil = Date.distantPast
    var waitReason = ""

    private var rate: Double { Double(events) / max(Date().timeIntervalSince(start), 0.001) }

    private func printLine() {
        let fraction = totalBytes > 0 ? Double(bytesRead) / Double(totalBytes) : 0
        let elapsed = Date().timeIntervalSince(start)
        let eta = fraction > 0 ? elapsed / fraction - elapsed : 0
        var line = String(format: "\rsent %d events  %.0f events/s  %.0f%%  ETA %.0f s", events, rate, fraction * 100, eta)
        let waitLeft = waitUntil.timeIntervalSinceNow
        line += waitLeft > 0 ? String(format: "  (%@: waiting %.0f s)   ", waitReason, waitLeft.rounded(.up)) : "                        "
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        printLine()
        FileHandle.standardError.write(Data("\n".utf8))
        let elapsed = Date().timeIntervalSince(start)
        print(String(format: "imported %d events and %d merges in %.2f s (%.0f events/s)", events, merges, elapsed, rate))
    }
}
