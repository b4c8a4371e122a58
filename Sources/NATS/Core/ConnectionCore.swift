import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The shared state of one connection: who waits for which message, PONG or reply. The channel
/// handler feeds it from the event loop; callers register with it from any thread. Every
/// continuation is taken out under the lock and resumed outside it.
final class ConnectionCore: Sendable {
    typealias MessageContinuation = AsyncThrowingStream<NATSMessage, any Error>.Continuation

    private enum Route {
        case subscription(MessageContinuation)
        /// The one wildcard subscription that carries every request's reply.
        case requestInbox(prefix: String)
    }

    private struct PendingRequest {
        var subject: String
        var continuation: CheckedContinuation<NATSMessage, any Error>
        var timer: Scheduled<Void>?
    }

    private struct PongWaiter {
        var id: UInt64
        /// nil once its flush timed out: the slot stays so later PONGs still match later PINGs.
        var continuation: CheckedContinuation<Void, any Error>?
    }

    private struct State {
        var nextSID: UInt64 = 1
        var nextToken: UInt64 = 1
        var routes: [UInt64: Route] = [:]
        var requestInboxSID: UInt64?
        var requests: [String: PendingRequest] = [:]
        var pongWaiters: [PongWaiter] = []
        var closedReason: String?
        var lastServerError: String?
        /// A flush is queued on the event loop behind the writes not yet flushed.
        var flushQueued = false
    }

    private let state = NIOLockedValueBox(State())
    let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    var closedReason: String? { state.withLockedValue { $0.closedReason } }

    func closedError() -> NATSError? {
        closedReason.map { NATSError.connectionClosed($0) }
    }

    // MARK: subscriptions

    /// Registers a subscription; the caller sends SUB afterwards.
    func addSubscription(_ continuation: MessageContinuation) throws -> UInt64 {
        try state.withLockedValue { state in
            if let reason = state.closedReason { throw NATSError.connectionClosed(reason) }
            let sid = state.nextSID
            state.nextSID += 1
            state.routes[sid] = .subscription(continuation)
            return sid
        }
    }

    /// Forgets a subscription; true if it was still registered (so UNSUB is worth sending).
    @discardableResult
    func removeSubscription(_ sid: UInt64) -> Bool {
        let removed = state.withLockedValue { $0.routes.removeValue(forKey: sid) }
        if case .subscription(let continuation) = removed {
            continuation.finish()
            return true
        }
        return false
    }

    /// The sid of the shared reply subscription, creating it on first use (then `isNew` is true
    /// and the caller sends its SUB).
    func requestInbox(prefix: String) throws -> (sid: UInt64, isNew: Bool) {
        try state.withLockedValue { state in
            if let reason = state.closedReason { throw NATSError.connectionClosed(reason) }
            if let sid = state.requestInboxSID { return (sid, false) }
            let sid = state.nextSID
            state.nextSID += 1
            state.routes[sid] = .requestInbox(prefix: prefix)
            state.requestInboxSID = sid
            return (sid, true)
        }
    }

    // MARK: requests

    func nextRequestToken() -> String {
        let token = state.withLockedValue { state in
            defer { state.nextToken += 1 }
            return state.nextToken
        }
        return String(token, radix: 36)
    }

    /// Registers a waiting request; false (and the continuation already failed) if the connection is closed.
    func addRequest(token: String, subject: String, continuation: CheckedContinuation<NATSMessage, any Error>) -> Bool {
        let reason: String? = state.withLockedValue { state in
            if let reason = state.closedReason { return reason }
            state.requests[token] = PendingRequest(subject: subject, continuation: continuation)
            return nil
        }
        if let reason {
            continuation.resume(throwing: NATSError.connectionClosed(reason))
            return false
        }
        return true
    }

    /// Attaches a request's timer; cancels it at once if the request already finished.
    func attachTimer(_ timer: Scheduled<Void>, token: String) {
        let attached = state.withLockedValue { state in
            guard state.requests[token] != nil else { return false }
            state.requests[token]?.timer = timer
            return true
        }
        if !attached { timer.cancel() }
    }

    func failRequest(token: String, with error: any Error) {
        let pending = state.withLockedValue { $0.requests.removeValue(forKey: token) }
        pending?.timer?.cancel()
        pending?.continuation.resume(throwing: error)
    }

    // MARK: PING/PONG

    func addPongWaiter(_ continuation: CheckedContinuation<Void, any Error>) -> UInt64? {
        let result: Result<UInt64, NATSError> = state.withLockedValue { state in
            if let reason = state.closedReason { return .failure(.connectionClosed(reason)) }
            let id = state.nextToken
            state.nextToken += 1
            state.pongWaiters.append(PongWaiter(id: id, continuation: continuation))
            return .success(id)
        }
        switch result {
        case .success(let id): return id
        case .failure(let error):
            continuation.resume(throwing: error)
            return nil
        }
    }

    func failPongWaiter(id: UInt64, with error: any Error) {
        let continuation: CheckedContinuation<Void, any Error>? = state.withLockedValue { state in
            guard let index = state.pongWaiters.firstIndex(where: { $0.id == id }) else { return nil }
            defer { state.pongWaiters[index].continuation = nil }
            return state.pongWaiters[index].continuation
        }
        continuation?.resume(throwing: error)
    }

    // MARK: writing

    /// Queues `buffer` on the channel and one flush behind it for all writes queued meanwhile:
    /// a burst of publishes goes out in a few large writes instead of one syscall each.
    func enqueue(_ buffer: ByteBuffer, on channel: any Channel) {
        channel.eventLoop.execute { [self] in
            channel.write(buffer, promise: nil)
            let queueFlush = state.withLockedValue { state in
                defer { state.flushQueued = true }
                return !state.flushQueued
            }
            guard queueFlush else { return }
            // Runs after every task already queued, so it flushes their writes too.
            channel.eventLoop.execute { [self] in
                state.withLockedValue { $0.flushQueued = false }
                channel.flush()
            }
        }
    }

    // MARK: from the event loop

    func receivedPong() {
        let waiter = state.withLockedValue { state in
            state.pongWaiters.isEmpty ? nil : state.pongWaiters.removeFirst()
        }
        waiter?.continuation?.resume()
    }

    func receivedServerError(_ text: String) {
        state.withLockedValue { $0.lastServerError = text }
        logger.warning("nats-server sent -ERR", metadata: ["error": "\(text)"])
    }

    func deliver(sid: UInt64, _ message: NATSMessage) {
        enum Delivery {
            case none
            case stream(MessageContinuation)
            case reply(PendingRequest)
        }
        let delivery: Delivery = state.withLockedValue { state in
            switch state.routes[sid] {
            case .subscription(let continuation):
                return .stream(continuation)
            case .requestInbox(let prefix):
                let token = String(message.subject.dropFirst(prefix.count + 1))
                guard let pending = state.requests.removeValue(forKey: token) else { return .none }
                return .reply(pending)
            case nil:
                return .none
            }
        }
        switch delivery {
        case .none:
            break
        case .stream(let continuation):
            continuation.yield(message)
        case .reply(let pending):
            pending.timer?.cancel()
            // With no_responders the server answers a request nobody serves with an empty 503.
            if message.status == 503, message.payload.isEmpty {
                pending.continuation.resume(throwing: NATSError.noResponders(subject: pending.subject))
            } else {
                pending.continuation.resume(returning: message)
            }
        }
    }

    /// Marks the connection closed and fails everyone still waiting. Safe to call more than once.
    func close(reason: String) {
        let taken = state.withLockedValue { state -> (routes: [Route], requests: [PendingRequest], pongs: [PongWaiter], reason: String)? in
            guard state.closedReason == nil else { return nil }
            let fullReason = state.lastServerError.map { "\(reason) (last server error: \($0))" } ?? reason
            state.closedReason = fullReason
            defer {
                state.routes = [:]
                state.requests = [:]
                state.pongWaiters = []
            }
            return (Array(state.routes.values), Array(state.requests.values), state.pongWaiters, fullReason)
        }
        guard let taken else { return }
        let error = NATSError.connectionClosed(taken.reason)
        for route in taken.routes {
            if case .subscription(let continuation) = route { continuation.finish(throwing: error) }
        }
        for request in taken.requests {
            request.timer?.cancel()
            request.continuation.resume(throwing: error)
        }
        for waiter in taken.pongs { waiter.continuation?.resume(throwing: error) }
    }
}
