import Runtime
import Snapshot

/// A write route's request that carries an `Idempotency-Key`: its key and a fingerprint of its
/// method, path and body.
public struct IdempotentRequest: Sendable {
    public var key: String
    public var fingerprint: UInt64
    public init(key: String, fingerprint: UInt64) { self.key = key; self.fingerprint = fingerprint }
}

/// A second write under a key whose write is already applied (a concurrent duplicate).
public struct IdempotentRepeat: Error, CustomStringConvertible {
    public var key: String
    public var description: String { "Idempotency-Key: a write with key '\(key)' is already applied or in progress" }
}

extension TenantActor {
    /// The keyed request the current task serves, set by the HTTP front around a write route; the
    /// WAL append (`logWrite`) reads it, so every write route is covered without each passing it.
    @TaskLocal public static var idempotentRequest: IdempotentRequest?

    public enum IdempotencyLookup: Sendable, Equatable {
        /// Never seen (or forgotten after 24 hours): go ahead.
        case fresh
        /// Seen with the same request: answer this, apply nothing.
        case replay(IdempotencyKeys.Answer)
        /// Applied, but its answer was not kept (the write failed after applying, the server
        /// restarted before answering, or the answer was too large to keep).
        case appliedWithoutAnswer
        /// Seen with a different method, path or body.
        case mismatch
    }

    public func lookUpIdempotencyKey(_ request: IdempotentRequest) throws -> IdempotencyLookup {
        try requireReady()
        state.forgetOldIdempotencyKeys(nowMs: now())
        guard let entry = state.idempotency.entry(request.key) else { return .fresh }
        guard entry.fingerprint == request.fingerprint else { return .mismatch }
        return entry.answer.map(IdempotencyLookup.replay) ?? .appliedWithoutAnswer
    }

    /// Keeps the answer a keyed write got (logged, not waited for: the write itself is already
    /// durable, and a lost answer makes a retry say so instead of applying again). Does nothing
    /// when no write was applied under the key (a refused request).
    public func recordIdempotentAnswer(_ key: String, _ answer: IdempotencyKeys.Answer) {
        guard let entry = state.idempotency.entry(key), entry.answer == nil, answer.body.count <= IdempotencyKeys.maxAnswerBytes else { return }
        recordDerived(.idempotentAnswer(key: key, status: answer.status, body: answer.body), what: "an idempotent answer") {
            $0.recordIdempotentAnswer(key, answer)
        }
    }
}
