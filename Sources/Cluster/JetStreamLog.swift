import Foundation
import NATS
import Snapshot
import Synchronization

/// A unit's log as its JetStream stream (docs/cluster.md, "The log"). Each append is published
/// at once, in order, expecting the sequence before it, with its reply on this log's inbox; the
/// acks that come back settle the writers in order (`AckLedger`). The first refusal, mismatch,
/// lost connection or overdue ack fails the log for good, and the node steps down from the unit.
public final class JetStreamLog: MutationLog, Sendable {
    typealias Waiter = (sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)
    public let unit: String
    let connection: NATSConnection
    let subject: String
    let inbox: String
    let ackTimeout: Duration
    private let ledger: Mutex<AckLedger<Waiter>>
    /// When the oldest unacknowledged record was sent, for the overdue check.
    private let oldestSentNs = Mutex<UInt64?>(nil)
    private let tasks = Mutex<[Task<Void, Never>]>([])

    /// - Parameter sequence: the stream's last sequence, as the replay found it (after the fence).
    public init(connection: NATSConnection, unit: String, after sequence: UInt64, ackTimeout: Duration = .seconds(10)) throws {
        self.unit = unit
        self.connection = connection
        self.subject = UnitNames.subject(unit)
        self.inbox = connection.newInbox()
        self.ackTimeout = ackTimeout
        self.ledger = Mutex(AckLedger(after: sequence))
        let acks = try connection.subscribe(inbox + ".*")
        self.acks = acks
        let reader = Task { [weak self] in
            do {
                for try await ack in acks { self?.settle(ack) }
                self?.fail("the connection to NATS closed")
            } catch {
                self?.fail("the connection to NATS failed: \(error)")
            }
        }
        let watchdog = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                self?.failIfOverdue()
            }
        }
        tasks.withLock { $0 = [reader, watchdog] }
    }

    private let acks: NATSSubscription

    deinit {
        acks.unsubscribe()
        for task in tasks.withLock({ $0 }) { task.cancel() }
    }

    public var lastSequence: UInt64 { ledger.withLock { $0.last } }
    public var waitsForDurability: Bool { true }
    public var storageFailure: StorageFault? { ledger.withLock { $0.failure }.map(Self.fault) }

    static func fault(_ reason: String) -> StorageFault { StorageFault(operation: "append to the cluster log (\(reason))", errno: EIO) }

    public func append(_ mutation: Mutation) throws -> UInt64 {
        let (fields, payload) = UnitRecord.message(for: mutation)
        var headers = Self.headers(fields)
        if case .idempotent(let key, _, _, _) = mutation { headers.set(JetStreamHeader.messageID, key) }
        return try send(headers, payload)
    }

    /// Publishes this node's fence after a claim and waits for it: once it is stored, no earlier
    /// owner's publish can be.
    public func fence(node: String, term: UInt64) async throws {
        let (fields, payload) = UnitRecord.fence(node: node, term: term)
        let sequence = try send(Self.headers(fields), payload)
        try await waitUntilDurable(sequence)
    }

    static func headers(_ fields: [(String, String)]) -> NATSHeaders {
        NATSHeaders(fields.map { NATSHeaders.Field(name: $0.0, value: $0.1) })
    }

    /// Takes the next sequence and publishes under the lock, so the order on the wire is the order of the sequences.
    private func send(_ headers: NATSHeaders, _ payload: [UInt8]) throws -> UInt64 {
        var headers = headers
        var failed: [(Waiter, AckLedger<Waiter>.Outcome)] = []
        defer { resume(failed) }
        return try ledger.withLock { ledger in
            guard let (sequence, expected) = ledger.append() else { throw StorageFailed(tenant: unit, cause: Self.fault(ledger.failure ?? "failed")) }
            headers.set(JetStreamHeader.expectedLastSubjectSequence, String(expected))
            do {
                try connection.publish(subject, reply: "\(inbox).\(sequence)", headers: headers, payload: payload)
            } catch {
                failed = ledger.fail("publish failed: \(error)")
                throw StorageFailed(tenant: unit, cause: Self.fault("publish failed: \(error)"))
            }
            oldestSentNs.withLock { if $0 == nil { $0 = DispatchTime.now().uptimeNanoseconds } }
            return sequence
        }
    }

    public func waitUntilDurable(_ sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let waiter = (sequence, continuation)
            let outcome = ledger.withLock { $0.wait(for: sequence, waiter) }
            if let outcome { resume([(waiter, outcome)]) }
        }
    }

    private func settle(_ ack: NATSMessage) {
        guard let token = ack.subject.split(separator: ".").last.flatMap({ UInt64($0) }) else { return }
        let outcomes = ledger.withLock { ledger -> [(Waiter, AckLedger<Waiter>.Outcome)] in
            do {
                let stored = try JetStream.pubAck(from: ack)
                let ready = ledger.acknowledged(token, storedAt: stored.seq)
                oldestSentNs.withLock { $0 = ledger.oldestPending == nil ? nil : DispatchTime.now().uptimeNanoseconds }
                return ready
            } catch {
                return ledger.fail("record \(token) was refused: \(error)")
            }
        }
        resume(outcomes)
    }

    private func fail(_ reason: String) {
        resume(ledger.withLock { $0.fail(reason) })
    }

    private func failIfOverdue() {
        guard let sent = oldestSentNs.withLock({ $0 }) else { return }
        let (seconds, attoseconds) = ackTimeout.components
        let limitNs = UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
        if DispatchTime.now().uptimeNanoseconds - sent > limitNs { fail("no acknowledgement within \(ackTimeout)") }
    }

    private func resume(_ outcomes: [(Waiter, AckLedger<Waiter>.Outcome)]) {
        for (waiter, outcome) in outcomes {
            switch outcome {
            case .durable: waiter.continuation.resume()
            case .failed(let reason): waiter.continuation.resume(throwing: DurabilityUnknown(tenant: unit, sequence: waiter.sequence, cause: Self.fault(reason)))
            }
        }
    }
}
