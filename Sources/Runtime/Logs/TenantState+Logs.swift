/// Log writes: a batch is checked whole, then applied whole (nothing changes when a record is refused).
extension TenantState {
    /// Checks log records without changing anything.
    /// - Parameter judgingLimits: false when replaying a batch accepted earlier: then only what
    ///   applying needs is checked (a computable time), never the limits of acceptance.
    /// - Throws: `IngestValidationError` naming the record's index and field.
    public func validate(_ records: [LogInput], nowMs: Int64, judgingLimits: Bool = true) throws(IngestValidationError) {
        guard IngestLimits.computableTimestampsMs.contains(nowMs) else {
            throw IngestValidationError(index: nil, field: "clock", message: "\(nowMs) is outside the range of times this server handles")
        }
        if judgingLimits, records.count > LogLimits.maxBatchRecords {
            throw IngestValidationError(index: nil, field: "logs", message: "holds \(records.count) records; at most \(LogLimits.maxBatchRecords) are allowed")
        }
        for (i, record) in records.enumerated() {
            if let ts = record.timestampMs, let problem = timestampProblem(ts, nowMs: nowMs, judgingLimits: judgingLimits) {
                throw IngestValidationError(index: i, field: "timestamp", message: problem)
            }
            guard judgingLimits else { continue }
            if let problem = Self.logProblem(record) { throw IngestValidationError(index: i, field: problem.field, message: problem.message) }
        }
    }

    /// What the edge should have refused already: checked again here so no door can store more.
    static func logProblem(_ record: LogInput) -> (field: String, message: String)? {
        if record.message.isEmpty { return ("message", "is required") }
        if record.message.utf8.count > LogLimits.maxMessageBytes { return ("message", "is longer than \(LogLimits.maxMessageBytes) bytes") }
        for (field, value) in [("service", record.service), ("source", record.source)] {
            if let value, value.utf8.count > LogLimits.maxNameBytes { return (field, "is longer than \(LogLimits.maxNameBytes) bytes") }
        }
        if record.attributes.count > LogLimits.maxAttributes { return ("attributes", "has more than \(LogLimits.maxAttributes) keys") }
        for attribute in record.attributes {
            if attribute.key.isEmpty || attribute.key.utf8.count > LogLimits.maxAttributeKeyBytes {
                return ("attributes", "keys must be 1 to \(LogLimits.maxAttributeKeyBytes) bytes")
            }
            if attribute.value.utf8.count > LogLimits.maxAttributeValueBytes {
                return ("attributes.\(attribute.key)", "is longer than \(LogLimits.maxAttributeValueBytes) bytes")
            }
        }
        return nil
    }

    /// Applies records that `validate` accepted at the same `nowMs`; those without a time get `nowMs`.
    public mutating func applyValidated(_ records: [LogInput], nowMs: Int64) {
        for record in records { logs.append(record, timestampMs: record.timestampMs ?? nowMs) }
        logsIngested += records.count
        version &+= 1
    }
}
