import Foundation
import NATS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real nats-server with JetStream for one test: its own port and storage directory, killed by
/// PID when the test is done.
public final class NATSServerProcess: @unchecked Sendable {
    public static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/usr/local/bin"]
        return directories.map { $0 + "/nats-server" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    public static var isInstalled: Bool { executable != nil }

    public let port: Int
    public let name: String
    public let directory: URL
    private let process: Process

    public var pid: Int32 { process.processIdentifier }

    private init(port: Int, name: String, directory: URL, process: Process) {
        self.port = port
        self.name = name
        self.directory = directory
        self.process = process
    }

    /// Starts a server and waits until it accepts connections.
    public static func start(
        name: String = "n1", port: Int? = nil, directory: URL? = nil, extraArguments: [String] = []
    ) async throws -> NATSServerProcess {
        guard let executable else { throw ServerError.notInstalled }
        // Swift Testing runs every test at once; on two cores, dozens of servers starting together
        // take longer than any sane deadline, so only a few run at a time.
        await ServerSlots.shared.acquire()
        do {
            return try await launch(executable: executable, name: name, port: port, directory: directory, extraArguments: extraArguments)
        } catch {
            await ServerSlots.shared.release()
            throw error
        }
    }

    private static func launch(
        executable: String, name: String, port: Int?, directory: URL?, extraArguments: [String]
    ) async throws -> NATSServerProcess {
        let port = try port ?? freePort()
        let directory = directory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("nats-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "-js", "-a", "127.0.0.1", "-p", String(port), "-sd", directory.appendingPathComponent("js").path,
            "-server_name", name, "-l", directory.appendingPathComponent("server.log").path,
        ] + extraArguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = NATSServerProcess(port: port, name: name, directory: directory, process: process)
        do {
            try await server.waitUntilAccepting()
        } catch {
            server.kill(releasingSlot: false)
            throw error
        }
        return server
    }

    public func connect(name: String? = nil) async throws -> NATSConnection {
        try await NATSConnection.connect(host: "127.0.0.1", port: port, name: name, timeout: .seconds(5))
    }

    private func waitUntilAccepting() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw ServerError.exited(log: log()) }
            if let connection = try? await NATSConnection.connect(port: port, timeout: .seconds(2)) {
                await connection.close()
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServerError.neverAccepted(port: port, log: log())
    }

    /// Stops the server (SIGKILL: a test has no use for a graceful shutdown) and waits for it.
    public func kill() {
        kill(releasingSlot: true)
    }

    private let killed = NSLock()
    private var wasKilled = false

    private func kill(releasingSlot: Bool) {
        let first = killed.withLock {
            defer { wasKilled = true }
            return !wasKilled
        }
        guard first else { return }
        if process.isRunning {
            sendSignal(SIGKILL, to: process.processIdentifier)
            process.waitUntilExit()
        }
        if releasingSlot { Task { await ServerSlots.shared.release() } }
    }

    /// Freezes the server (SIGSTOP): connections stay open but nothing answers.
    public func pause() { sendSignal(SIGSTOP, to: process.processIdentifier) }

    public func resume() { sendSignal(SIGCONT, to: process.processIdentifier) }

    /// Kills the server and removes its storage.
    public func stop() {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }

    public func log() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }

    public enum ServerError: Error, CustomStringConvertible {
        case notInstalled
        case exited(log: String)
        case neverAccepted(port: Int, log: String)

        public var description: String {
            switch self {
            case .notInstalled: "nats-server is not installed (make cluster-deps installs it)"
            case .exited(let log): "nats-server exited at start:\n\(log.suffix(2000))"
            case .neverAccepted(let port, let log): "nats-server never accepted on port \(port):\n\(log.suffix(2000))"
            }
        }
    }
}

private func sendSignal(_ signal: Int32, to pid: pid_t) {
    _ = kill(pid, signal)
}

/// At most a few test servers at a time, whatever Swift Testing runs in parallel.
actor ServerSlots {
    static let shared = ServerSlots(limit: 4)

    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        available = limit
    }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            available += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// A port nothing listens on right now: bind port 0, read what the kernel chose, let it go.
public func freePort() throws -> Int {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socketFD >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Runs `body` against a fresh single server, which is killed afterwards whatever happens.
@discardableResult
public func withNATSServer<T>(_ body: (NATSServerProcess) async throws -> T) async throws -> T {
    let server = try await NATSServerProcess.start()
    defer { server.stop() }
    return try await body(server)
}

/// Runs `body` with a fresh server, a connection to it and JetStream over that connection.
@discardableResult
public func withJetStream<T>(_ body: (JetStream, NATSServerProcess) async throws -> T) async throws -> T {
    try await withNATSServer { server in
        let connection = try await server.connect()
        defer { Task { await connection.close() } }
        return try await body(JetStream(connection: connection), server)
    }
}
