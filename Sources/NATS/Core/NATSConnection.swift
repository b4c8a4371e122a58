import Logging
import NIOCore
import NIOPosix

/// One client connection to a NATS server. There is no reconnect: when the connection drops,
/// every waiting call fails with `NATSError.connectionClosed`, subscriptions end with that error,
/// and `isClosed` turns true; the owner decides whether to connect again.
public final class NATSConnection: Sendable {
    public let serverInfo: NATSServerInfo
    let channel: any Channel
    let core: ConnectionCore
    /// Replies to requests arrive on `<inboxPrefix>.<token>`, all through one subscription.
    let inboxPrefix: String

    private init(serverInfo: NATSServerInfo, channel: any Channel, core: ConnectionCore) {
        self.serverInfo = serverInfo
        self.channel = channel
        self.core = core
        self.inboxPrefix = Identifiers.inbox()
    }

    /// Opens a TCP connection, reads INFO, sends CONNECT and waits for the PONG that confirms it.
    public static func connect(
        host: String = "127.0.0.1",
        port: Int = 4222,
        name: String? = nil,
        timeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "beacon.nats")
    ) async throws -> NATSConnection {
        let eventLoop = Self.eventLoops.next()
        let handshake = eventLoop.makePromise(of: NATSServerInfo.self)
        let core = ConnectionCore(logger: logger)
        var options = ClientCommands.ConnectOptions()
        options.name = name
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout.timeAmount)
            .channelInitializer { [options] channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = NATSChannelHandler(core: core, options: options, handshake: handshake)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            handshake.fail(error)
            throw NATSError.connectionFailed("cannot reach \(host):\(port): \(error)")
        }
        let timer = eventLoop.scheduleTask(in: timeout.timeAmount) {
            handshake.fail(NATSError.timeout("handshake with \(host):\(port)"))
        }
        do {
            let info = try await handshake.futureResult.get()
            timer.cancel()
            return NATSConnection(serverInfo: info, channel: channel, core: core)
        } catch {
            timer.cancel()
            core.close(reason: "handshake failed")
            try? await channel.close()
            throw error
        }
    }

    /// NATS traffic runs on threads of its own, not the process's shared event loops: a busy
    /// HTTP front must not delay the acknowledgements writes wait for, nor the lease renewals.
    static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    public var isClosed: Bool { core.closedReason != nil }

    /// A connection nobody holds any more is closed rather than left open on the event loop.
    deinit {
        guard core.closedReason == nil else { return }
        core.close(reason: "the connection was released without close()")
        channel.close(promise: nil)
    }

    /// Closes the connection; pending calls fail, subscriptions end.
    public func close() async {
        core.close(reason: "closed by the client")
        try? await channel.close()
    }

    /// Sends a message (PUB, or HPUB when there are headers). Like every NATS publish it is
    /// buffered, not confirmed: `flush()` waits until the server has read everything sent before it.
    public func publish(_ subject: String, reply: String? = nil, headers: NATSHeaders? = nil, payload: [UInt8]) throws {
        try SubjectRules.validate(subject, wildcardsAllowed: false)
        if let reply { try SubjectRules.validate(reply, wildcardsAllowed: false) }
        let headerBlock = try headers.map(HeaderBlock.encode)
        let size = payload.count + (headerBlock?.count ?? 0)
        guard size <= serverInfo.maxPayload else {
            throw NATSError.payloadTooLarge(size: size, limit: serverInfo.maxPayload)
        }
        if let error = core.closedError() { throw error }
        var buffer = channel.allocator.buffer(capacity: size + subject.utf8.count + 64)
        ClientCommands.publish(subject: subject, reply: reply, headerBlock: headerBlock, payload: payload, into: &buffer)
        core.enqueue(buffer, on: channel)
    }

    /// Sends PING and waits for the PONG, so everything sent before has reached the server.
    public func flush(timeout: Duration = .seconds(5)) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            guard let id = core.addPongWaiter(continuation) else { return }
            let core = self.core
            channel.eventLoop.scheduleTask(in: timeout.timeAmount) {
                core.failPongWaiter(id: id, with: NATSError.timeout("flush (no PONG within \(timeout))"))
            }
            var buffer = channel.allocator.buffer(capacity: 6)
            ClientCommands.ping(into: &buffer)
            core.enqueue(buffer, on: channel)
        }
    }

    /// A fresh subject nobody else uses, for replies that need their own subscription.
    public func newInbox() -> String { Identifiers.inbox() }

    func send(_ write: (inout ByteBuffer) -> Void) {
        var buffer = channel.allocator.buffer(capacity: 64)
        write(&buffer)
        core.enqueue(buffer, on: channel)
    }
}
