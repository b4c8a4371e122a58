import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `beacon serve` binary on a free loopback port, stopped by its PID.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let baseURL: String
    let directory: URL

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["BEACON_BINARY"] { return URL(fileURLWithPath: path) }
        return packageRoot.appendingPathComponent(".build/debug/beacon")
    }

    /// Starts the server with `config` (JSON text) and waits for its "listening on" line.
    convenience init(config: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configURL = directory.appendingPathComponent("config.json")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        try self.init(arguments: ["serve", "--config", configURL.path, "--port", "0"], directory: directory)
    }

    /// Starts `beacon` with `arguments` and waits for its "listening on" line.
    init(arguments: [String], directory: URL? = nil) throws {
        self.directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("beacon-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw ServerError("no beacon binary at \(Self.binary.path): run `swift build` first (make test does)")
        }
        process.executableURL = Self.binary
        process.arguments = arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var line = Data()
        let deadline = Date().addingTimeInterval(30)
        while !line.contains(UInt8(ascii: "\n")) {
            let byte = stdout.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || Date() > deadline { throw ServerError("server did not report its address") }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("listening on http://") else { throw ServerError("unexpected first line: \(text)") }
        baseURL = String(text.dropFirst("listening on ".count))
    }

    var pid: Int32 { process.processIdentifier }

    /// Sends SIGTERM to the PID and waits for the process to exit.
    func stop() -> Int32 {
        kill(pid, SIGTERM)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
        return process.terminationStatus
    }

    /// Runs `beacon` with `arguments` to its exit (a start that must fail, a CLI command).
    static func runToExit(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// Waits until /health says "ok" (recovery done); returns the last status seen.
    @discardableResult
    func waitUntilReady() async throws -> String {
        var status = ""
        for _ in 0..<200 {
            status = try await request("GET", "/health").json["status"] as? String ?? ""
            if status == "ok" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return status
    }

    struct Reply {
        var status: Int
        var json: [String: Any]
        var headers: [String: String]
        /// The body when it is a JSON array of objects.
        var list: [[String: Any]] = []
    }

    func request(_ method: String, _ path: String, key: String? = nil, body: Data? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        if let key { request.setValue(key, forHTTPHeaderField: "x-api-key") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = body; request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields[String(describing: name).lowercased()] = String(describing: value) }
        let body = try? JSONSerialization.jsonObject(with: data)
        return Reply(status: http.statusCode, json: body as? [String: Any] ?? [:], headers: fields, list: body as? [[String: Any]] ?? [])
    }

    func request(_ method: String, _ path: String, key: String? = nil, json: String) async throws -> Reply {
        try await request(method, path, key: key, body: Data(json.utf8))
    }
}

struct ServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
