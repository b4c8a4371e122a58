/// Idempotency keys are changed only through these, by the tenant's actor and by replay.
extension TenantState {
    public mutating func registerIdempotencyKey(_ key: String, fingerprint: UInt64, atMs: Int64) {
        idempotency.register(key, fingerprint: fingerprint, atMs: atMs)
    }

    public mutating func recordIdempotentAnswer(_ key: String, _ answer: IdempotencyKeys.Answer) {
        idempotency.recordAnswer(key, answer)
    }

    public mutating func forgetOldIdempotencyKeys(nowMs: Int64) {
        idempotency.forgetOld(nowMs: nowMs)
    }
}
