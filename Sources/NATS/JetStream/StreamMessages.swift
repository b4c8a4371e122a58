import Foundation
import NIOCore

/// A stream's stored messages in sequence order, from a start sequence up to the stream's last
/// sequence when iteration began (messages stored later are not included). Read through an
/// ephemeral pull consumer in batches; the server deletes that consumer when iteration ends, or
/// by itself shortly after an abandoned iteration.
public struct StreamMessages: AsyncSequence, Sendable {
    public typealias Element = JetStreamMessage

    let jetStream: JetStream
    let stream: String
    let filterSubject: String?
    let start: ReplayStart
    let batch: Int
    let headersOnly: Bool

    public func makeAsyncIterator() -> Iterator { Iterator(self) }

    public struct Iterator: AsyncIteratorProtocol {
        private enum Phase {
            case notStarted
            case reading(Reader)
            case finished
        }

        private let spec: StreamMessages
        private var phase = Phase.notStarted

        init(_ spec: StreamMessages) {
            self.spec = spec
        }

        public mutating func next() async throws -> JetStreamMessage? {
            while true {
                switch phase {
                case .finished:
                    return nil
                case .notStarted:
                    phase = try await Reader.start(spec).map(Phase.reading) ?? .finished
                case .reading(var reader):
                    let message = try await reader.next()
                    phase = message == nil ? .finished : .reading(reader)
                    if message == nil { await reader.finish() }
                    return message
                }
            }
        }
    }

    /// One replay in progress: the consumer, the subscription its messages come on, and how far
    /// the current pull request got.
    fileprivate struct Reader {
        let jetStream: JetStream
        let stream: String
        let consumer: String
        let batch: Int
        /// The stream's last sequence when the replay began.
        let lastSequence: UInt64
        let subscription: NATSSubscription
        var messages: NATSSubscription.AsyncIterator
        /// Pull requests reply on `<inbox>.<number>`, so a late status of an old one is told apart.
        let inbox: String
        var pullNumber = 0
        var receivedInPull = 0
        var reachedEnd = false
        /// Wakes the reader if the server goes quiet mid-replay (a stream leader lost in a
        /// cluster answers no pull at all): a marker message arrives on the subscription.
        var watchdog: Scheduled<Void>?
        var receivedWhenArmed = 0
        static let watchdogStatus = -1

        static func start(_ spec: StreamMessages) async throws -> Reader? {
            let jetStream = spec.jetStream
            let info = try await jetStream.streamInfo(spec.stream)
            let lastSequence = info.state.lastSeq
            if info.state.messages == 0 { return nil }
            if case .sequence(let first) = spec.start, first > lastSequence { return nil }

            let inbox = jetStream.connection.newInbox()
            let subscription = try jetStream.connection.subscribe(inbox + ".*")
            let config = ConsumerConfig(
                start: spec.start, filterSubject: spec.filterSubject, headersOnly: spec.headersOnly,
                inactiveThreshold: .seconds(30))
            let created: ConsumerCreated
            do {
                created = try await jetStream.createEphemeralConsumer(stream: spec.stream, config)
            } catch {
                subscription.unsubscribe()
                throw error
            }
            var reader = Reader(
                jetStream: jetStream, stream: spec.stream, consumer: created.name, batch: Swift.max(spec.batch, 1),
                lastSequence: lastSequence, subscription: subscription,
                messages: subscription.makeAsyncIterator(), inbox: inbox)
            if created.numPending == 0 {
                await reader.finish()
                return nil
            }
            try reader.pull()
            return reader
        }

        mutating func pull() throws {
            pullNumber += 1
            receivedInPull = 0
            armWatchdog()
            let body = try Array(JetStream.encoder().encode(PullRequest(batch: batch)))
            try jetStream.connection.publish(
                "\(jetStream.apiPrefix).CONSUMER.MSG.NEXT.\(stream).\(consumer)",
                reply: "\(inbox).\(pullNumber)", payload: body)
        }

        mutating func next() async throws -> JetStreamMessage? {
            while !reachedEnd {
                guard let message = try await messages.next() else { return nil }
                if let status = message.status {
                    try handleStatus(status, of: message)
                    continue
                }
                guard let reply = message.reply, let metadata = AckMetadata(replySubject: reply) else {
                    throw JetStreamError.invalidResponse("replayed message without an ack subject on '\(message.subject)'")
                }
                receivedInPull += 1
                if metadata.streamSequence > lastSequence {
                    reachedEnd = true
                    return nil
                }
                if metadata.streamSequence == lastSequence || metadata.pending == 0 {
                    reachedEnd = true
                } else if receivedInPull == batch {
                    try pull()  // ask for the next batch before handing this message out
                }
                return JetStreamMessage(
                    sequence: metadata.streamSequence, subject: message.subject,
                    headers: message.headers, payload: message.payload)
            }
            return nil
        }

        private mutating func armWatchdog() {
            watchdog?.cancel()
            receivedWhenArmed = receivedInPull
            let connection = jetStream.connection
            let sid = subscription.sid
            let marker = NATSMessage(subject: "\(inbox).\(pullNumber)", status: Self.watchdogStatus, payload: [])
            watchdog = connection.channel.eventLoop.scheduleTask(in: jetStream.timeout.timeAmount) {
                connection.core.deliver(sid: sid, marker)
            }
        }

        /// Pull requests end with a status message when they got fewer messages than asked:
        /// 404 (none there) or 408 (no_wait ran out). Others (409: consumer deleted, ...) are errors.
        private mutating func handleStatus(_ status: Int, of message: NATSMessage) throws {
            guard message.subject == "\(inbox).\(pullNumber)" else { return }  // an older pull's status
            switch status {
            case 404, 408:
                if receivedInPull == 0 {
                    reachedEnd = true
                } else {
                    try pull()
                }
            case 100:
                break  // heartbeat
            case Self.watchdogStatus:
                guard receivedInPull > receivedWhenArmed else {
                    throw NATSError.timeout("replay of \(stream): nothing from consumer \(consumer) within \(jetStream.timeout)")
                }
                armWatchdog()  // still moving, only slowly
            default:
                throw JetStreamError.api(
                    code: status, errorCode: 0,
                    description: "pull from consumer \(consumer) on \(stream) ended: \(message.statusDescription ?? "status \(status)")")
            }
        }

        func finish() async {
            watchdog?.cancel()
            subscription.unsubscribe()
            try? await jetStream.deleteConsumer(stream: stream, name: consumer)
        }
    }
}

extension JetStream {
    /// The messages of `stream` from sequence `from` up to the stream's last sequence at the time
    /// iteration starts, optionally only those on `subject` (wildcards allowed), `batch` per pull.
    public func messages(stream: String, subject: String? = nil, from sequence: UInt64 = 1, batch: Int = 1024) -> StreamMessages {
        StreamMessages(
            jetStream: self, stream: stream, filterSubject: subject, start: .sequence(sequence), batch: batch,
            headersOnly: false)
    }

    /// The newest message of each subject matching `subject`.
    func lastMessagesPerSubject(stream: String, subject: String, headersOnly: Bool) -> StreamMessages {
        StreamMessages(
            jetStream: self, stream: stream, filterSubject: subject, start: .lastPerSubject, batch: 1024,
            headersOnly: headersOnly)
    }
}
