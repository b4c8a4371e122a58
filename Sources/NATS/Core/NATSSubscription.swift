import NIOCore

/// The messages of one SUB, in arrival order. Iterating ends when `unsubscribe()` is called, and
/// ends with `NATSError.connectionClosed` when the connection drops. Dropping the sequence (or
/// cancelling the task that iterates it) unsubscribes too.
public struct NATSSubscription: AsyncSequence, Sendable {
    public typealias Element = NATSMessage
    public typealias AsyncIterator = AsyncThrowingStream<NATSMessage, any Error>.Iterator

    public let subject: String
    public let queue: String?
    let sid: UInt64
    let connection: NATSConnection
    let messages: AsyncThrowingStream<NATSMessage, any Error>

    public func makeAsyncIterator() -> AsyncIterator { messages.makeAsyncIterator() }

    /// Stops delivery: sends UNSUB and ends the sequence (messages already received are still read).
    public func unsubscribe() {
        connection.unsubscribe(sid: sid)
    }
}

extension NATSConnection {
    /// Subscribes to `subject` (wildcards allowed); with `queue`, the server gives each message to
    /// one member of the queue group only.
    public func subscribe(_ subject: String, queue: String? = nil) throws -> NATSSubscription {
        try SubjectRules.validate(subject, wildcardsAllowed: true)
        if let queue { try SubjectRules.validate(queue, wildcardsAllowed: false) }
        let (messages, continuation) = AsyncThrowingStream.makeStream(of: NATSMessage.self, throwing: (any Error).self)
        let sid = try core.addSubscription(continuation)
        let core = self.core
        let channel = self.channel
        continuation.onTermination = { termination in
            // Only a cancelled or dropped sequence still needs its UNSUB; finish() came from unsubscribe or close.
            guard case .cancelled = termination, core.removeSubscription(sid), core.closedReason == nil else { return }
            var buffer = channel.allocator.buffer(capacity: 32)
            ClientCommands.unsubscribe(sid: sid, into: &buffer)
            core.enqueue(buffer, on: channel)
        }
        send { ClientCommands.subscribe(subject: subject, queue: queue, sid: sid, into: &$0) }
        return NATSSubscription(subject: subject, queue: queue, sid: sid, connection: self, messages: messages)
    }

    func unsubscribe(sid: UInt64) {
        guard core.removeSubscription(sid), !isClosed else { return }
        send { ClientCommands.unsubscribe(sid: sid, into: &$0) }
    }
}
