import NIOCore

/// Reads the server's stream on the event loop: runs the INFO → CONNECT → PING → PONG handshake,
/// answers the server's PINGs, and hands everything else to the `ConnectionCore`.
final class NATSChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case awaitingInfo
        case awaitingFirstPong(NATSServerInfo)
        case ready
    }

    private var parser = ProtocolParser()
    private var phase = Phase.awaitingInfo
    private let core: ConnectionCore
    private let options: ClientCommands.ConnectOptions
    /// Completed with the server's INFO once the handshake's PONG arrives.
    private let handshake: EventLoopPromise<NATSServerInfo>

    init(core: ConnectionCore, options: ClientCommands.ConnectOptions, handshake: EventLoopPromise<NATSServerInfo>) {
        self.core = core
        self.options = options
        self.handshake = handshake
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        parser.append(&bytes)
        do {
            while let operation = try parser.next() {
                try handle(operation, context: context)
            }
        } catch {
            fail(context: context, reason: "\(error)")
        }
    }

    private func handle(_ operation: ServerOperation, context: ChannelHandlerContext) throws {
        switch operation {
        case .message(let sid, let message):
            core.deliver(sid: sid, message)
        case .ping:
            var buffer = context.channel.allocator.buffer(capacity: 6)
            ClientCommands.pong(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .pong:
            if case .awaitingFirstPong(let info) = phase {
                phase = .ready
                handshake.succeed(info)
            } else {
                core.receivedPong()
            }
        case .info(let info):
            // Later INFOs (cluster topology changes) need nothing: there is no reconnect.
            guard case .awaitingInfo = phase else { return }
            phase = .awaitingFirstPong(info)
            var buffer = context.channel.allocator.buffer(capacity: 256)
            try ClientCommands.connect(options, into: &buffer)
            ClientCommands.ping(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .ok:
            break
        case .error(let text):
            core.receivedServerError(text)
            if case .ready = phase { return }
            handshake.fail(NATSError.connectionFailed("server refused the connection: \(text)"))
            context.close(promise: nil)
        }
    }

    private func fail(context: ChannelHandlerContext, reason: String) {
        handshake.fail(NATSError.connectionFailed(reason))
        core.close(reason: reason)
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, reason: "\(error)")
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshake.fail(NATSError.connectionFailed("the server closed the connection during the handshake"))
        core.close(reason: "the server closed the connection")
        context.fireChannelInactive()
    }
}
