import Runtime
import Snapshot

/// An SDK message the tenant refused: its position in the request and the field at fault.
public struct SDKMessageRefusal: Error, Sendable {
    public var message: Int
    public var field: String
    public var reason: String
}

extension TenantActor {
    /// Checks, logs and applies what an SDK route translated from one request, whole or not at
    /// all; messages whose id was seen in the last 24 hours are dropped (a library's retry).
    /// - Parameter visitor: as for `ingest`: names the anonymous user of events without one.
    /// - Throws: `SDKMessageRefusal` naming the message, and the usual write refusals.
    public func ingest(_ messages: [SDKMessage], visitor: String? = nil) async throws -> SDKReceipt {
        try requireReady()
        let now = clock()
        state.forgetOldMessageIDs(nowMs: now)
        let fresh = state.unseen(messages)
        let duplicates = messages.count - fresh.count
        guard !fresh.isEmpty else { return SDKReceipt(duplicates: duplicates) }
        var write = SDKWrite(nowMs: now, anonymousID: "", messages: fresh.map { messages[$0] })
        try requireRoom(forBodyBytes: write.events.reduce(0) { $0 + $1.byteCount } + write.messageIDs.reduce(0) { $0 + $1.utf8.count } + (1 << 16))
        let needsAnonymous: Bool
        do {
            needsAnonymous = try state.validate(write)
        } catch {
            throw Self.refusal(error, messages: fresh.map { messages[$0] }, positions: fresh)
        }
        if needsAnonymous { write.anonymousID = AnonymousID.make(tenant: settings.id, visitor: visitor) }
        let sequence = try logWrite(.sdkWrite(write))
        var receipt = state.applyValidated(write, anonymousID: needsAnonymous ? write.anonymousID : nil)
        receipt.messages = fresh.count
        receipt.duplicates = duplicates
        afterIngest(IngestReceipt(accepted: receipt.events, anonymousID: receipt.anonymousID), now: now)
        try await waitUntilDurable(sequence)
        return receipt
    }

    /// Finds the message an event's refusal (indexed over the write's events) came from.
    private static func refusal(_ error: IngestValidationError, messages: [SDKMessage], positions: [Int]) -> SDKMessageRefusal {
        guard var index = error.index else { return SDKMessageRefusal(message: positions.first ?? 0, field: error.field, reason: error.message) }
        for (m, message) in messages.enumerated() {
            if index < message.events.count { return SDKMessageRefusal(message: positions[m], field: error.field, reason: error.message) }
            index -= message.events.count
        }
        return SDKMessageRefusal(message: positions.last ?? 0, field: error.field, reason: error.message)
    }
}

extension TenantActor {
    /// The fast path of an SDK request: the translated batch is taken whole when none of its message
    /// ids was seen (nil otherwise: the caller goes the general way, which drops the repeats).
    /// - Parameter body: the request body, packed for the WAL when `logsWrites` (nil otherwise).
    /// - Throws: `IngestValidationError` indexed by event (one per message); the usual write refusals.
    public func ingest(_ translated: SDKTranslatedBatch, body: PackedBody?) async throws -> SDKReceipt? {
        try requireReady()
        let now = clock()
        state.forgetOldMessageIDs(nowMs: now)
        guard state.noneSeen(translated.messageHashes) else { return nil }
        try requireRoom(forBodyBytes: translated.batch.arena.count)
        _ = try state.validate(translated.batch, nowMs: now)
        let sequence = try logWrite {
            guard let body else { throw TenantUnavailable(reason: "the write reached the tenant without its logged form; retry") }
            return .sdkPackedBody(dialect: translated.dialect, nowMs: now, body: body)
        }
        state.applyValidated(translated, nowMs: now)
        let count = translated.batch.events.count
        afterIngest(IngestReceipt(accepted: count, anonymousID: nil), now: now)
        try await waitUntilDurable(sequence)
        return SDKReceipt(messages: count, events: count)
    }
}
