import Runtime

/// Why a WAL record cannot be applied on replay.
public struct ReplayRefusal: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension TenantState {
    /// Applies a logged mutation again, as it was accepted: with the clock it carries, and never
    /// judged against the tenant's limits of today (a lowered retention must not drop writes that
    /// were acknowledged).
    /// - Throws: `ReplayRefusal` when it cannot apply: a body that does not parse, an edit that
    ///   finds nothing to apply to.
    public mutating func replay(_ mutation: Mutation, parser: FastIngestParser) throws(ReplayRefusal) {
        do {
            switch mutation {
            case .ingestBody(let nowMs, let anonymousID, let body):
                let batch = try body.withUnsafeBytes { raw throws in try parser.parse(raw) }
                try replay(batch, nowMs: nowMs, anonymousID: anonymousID)
            case .packedIngestBody(let nowMs, let anonymousID, let packed):
                let body = try packed.unpacked()
                let batch = try body.withUnsafeBytes { raw throws in try parser.parse(raw) }
                try replay(batch, nowMs: nowMs, anonymousID: anonymousID)
            case .events(let nowMs, let anonymousID, let events):
                let needsAnonymous = try validate(events, nowMs: nowMs, judgingLimits: false)
                try Self.requireAnonymousID(anonymousID, needed: needsAnonymous)
                _ = applyValidated(events, nowMs: nowMs, anonymousID: needsAnonymous ? anonymousID : nil)
            case .merge(let anonymousID, let user):
                _ = merge(anonymousID: anonymousID, into: user)
            case .profileEdit(let edit):
                try apply(edit)
            case .segmentEdit(let edit):
                try apply(edit)
            case .nudgeEdit(let edit):
                try apply(edit)
            case .journeyEdit(let edit):
                try apply(edit)
            case .markEdit(let edit):
                try apply(edit)
            case .signalEdit(let edit):
                try apply(edit)
            case .impactEdit(let edit):
                try apply(edit)
            case .workspaceEdit(let edit):
                try apply(edit)
            case .discoveryEdit(let edit):
                try apply(edit)
            case .dataEdit(let edit):
                try apply(edit)
            case .metadataEdit(let edit):
                try apply(edit)
            case .taggingEdit(let edit):
                try apply(edit)
            case .personyzeEdit(let edit):
                try apply(edit)
            case .profileEdits(let edits):
                for edit in edits { try apply(edit) }
            case .healthEdit(let edit):
                if let refusal = refusal(of: edit) { throw ReplayRefusal("a health record's \(refusal.field) \(refusal.reason)") }
                apply(edit)
            case .logs(let nowMs, let records):
                try validate(records, nowMs: nowMs, judgingLimits: false)
                applyValidated(records, nowMs: nowMs)
            case .idempotent(let key, let fingerprint, let atMs, let write):
                registerIdempotencyKey(key, fingerprint: fingerprint, atMs: atMs)
                try replay(write, parser: parser)
            case .idempotentAnswer(let key, let status, let body):
                recordIdempotentAnswer(key, IdempotencyKeys.Answer(status: status, body: body))
            case .sdkPackedBody(let dialect, let nowMs, let packed):
                guard let translated = SDKTranslator().translate(try packed.unpacked(), dialect: dialect) else {
                    throw ReplayRefusal("an SDK body logged as taken by the fast path is not taken by it now")
                }
                _ = try validate(translated.batch, nowMs: nowMs, judgingLimits: false)
                applyValidated(translated, nowMs: nowMs)
            case .sdkWrite(let write):
                let needsAnonymous = try validate(write, judgingLimits: false)
                try Self.requireAnonymousID(write.anonymousID, needed: needsAnonymous)
                _ = applyValidated(write, anonymousID: needsAnonymous ? write.anonymousID : nil)
            }
        } catch let refusal as ReplayRefusal {
            throw refusal
        } catch let invalid as IngestValidationError {
            throw ReplayRefusal("\(invalid.index.map { "event \($0): " } ?? "")\(invalid.field) \(invalid.message)")
        } catch {
            throw ReplayRefusal("\(error)")
        }
    }

    private mutating func replay(_ batch: ParsedBatch, nowMs: Int64, anonymousID: String) throws {
        let needsAnonymous = try validate(batch, nowMs: nowMs, judgingLimits: false)
        try Self.requireAnonymousID(anonymousID, needed: needsAnonymous)
        _ = applyValidated(batch, nowMs: nowMs, anonymousID: needsAnonymous ? anonymousID : nil)
    }

    private static func requireAnonymousID(_ anonymousID: String, needed: Bool) throws {
        if needed && anonymousID.isEmpty { throw ReplayRefusal("events without a user, but no anonymous id was logged for them") }
    }
}
