import Testing
@testable import Runtime

/// The log store: levels by name, a batch checked whole, retention eviction, and the records read back.
@Suite struct LogStoreTests {
    static let now: Int64 = 1_793_448_000_000
    static let day: Int64 = 86_400_000

    @Test(arguments: [("INFO", LogLevel.info), ("Warning", .warn), ("warn", .warn), ("fatal", .fatal), ("TRACE", .trace)])
    func levelsAreReadCaseInsensitively(_ text: String, _ level: LogLevel) {
        #expect(LogLevel(name: text) == level)
    }

    @Test(arguments: ["", "critical", "err", "warnings"])
    func otherLevelNamesAreRefused(_ text: String) {
        #expect(LogLevel(name: text) == nil)
    }

    /// Level conditions read their values as ingest reads levels: any case, `warning` for `warn`.
    @Test func levelConditionsReadLevelNamesAsIngestDoes() {
        let test = { (op: PropertyFilter.Op, values: [String], level: LogLevel) in LogCondition(field: .level, op: op, values: values).holds(level: level) }
        #expect(test(.eq, ["WARNING"], .warn) && test(.eq, ["warn"], .warn) && !test(.eq, ["Warning"], .error))
        #expect(test(.neq, ["ERROR"], .warn) && !test(.neq, ["error"], .error))
        #expect(test(.in, ["warning", "Fatal"], .fatal) && !test(.in, ["warning", "Fatal"], .info))
        #expect(test(.notIn, ["INFO"], .debug) && !test(.notIn, ["INFO"], .info))
        #expect(test(.gte, ["Warning"], .error) && !test(.gte, ["warn"], .info))
        #expect(!test(.eq, ["loud"], .warn) && test(.contains, ["arn"], .warn))
    }

    @Test func aBatchWithOneBadRecordChangesNothing() {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let good = LogInput(timestampMs: Self.now - 1000, message: "ok")
        let future = LogInput(timestampMs: Self.now + Self.day + 1, message: "later")
        #expect(throws: IngestValidationError(index: 1, field: "timestamp", message: "is more than 24 hours in the future")) {
            try state.validate([good, future], nowMs: Self.now)
        }
        #expect(throws: IngestValidationError(index: 0, field: "timestamp", message: "is before 2000-01-01, the earliest time Beacon keeps")) {
            try state.validate([LogInput(timestampMs: 946_684_799_999, message: "old")], nowMs: Self.now)
        }
        #expect(throws: IngestValidationError(index: 0, field: "message", message: "is required")) {
            try state.validate([LogInput(timestampMs: nil, message: "")], nowMs: Self.now)
        }
        let tooMany = [LogInput](repeating: good, count: LogLimits.maxBatchRecords + 1)
        #expect(throws: IngestValidationError.self) { try state.validate(tooMany, nowMs: Self.now) }
        // Replay judges no limits of acceptance: a record accepted once is applied again.
        #expect(throws: Never.self) { try state.validate([future], nowMs: Self.now, judgingLimits: false) }
        #expect(state.logs.count == 0)
        state.applyValidated([good, LogInput(timestampMs: nil, message: "now")], nowMs: Self.now)
        #expect(state.logs.records(from: 0, to: .max).map(\.timestampMs) == [Self.now - 1000, Self.now])
        #expect(state.logsIngested == 2)
    }

    @Test func recordsKeepEveryFieldAndInternRepeatedNames() {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let records = (0..<10).map { i in
            LogInput(timestampMs: Self.now - Int64(i), service: i % 2 == 0 ? "api" : nil, level: .error, source: "db",
                     message: "failed \(i) ✓", attributes: [.init("attempt", String(i)), .init("region", "eu")])
        }
        state.applyValidated(records, nowMs: Self.now)
        #expect(state.logs.services.count == 1)
        #expect(state.logs.sources.count == 1)
        #expect(state.logs.attributeKeys.count == 2)
        let read = state.logs.records(from: Self.now - 3, to: Self.now - 1)
        #expect(read == [
            LogRecord(timestampMs: Self.now - 3, service: nil, level: .error, source: "db", message: "failed 3 ✓", attributes: ["attempt": "3", "region": "eu"]),
            LogRecord(timestampMs: Self.now - 2, service: "api", level: .error, source: "db", message: "failed 2 ✓", attributes: ["attempt": "2", "region": "eu"]),
        ])
    }

    @Test func oldChunksAreEvictedWithTheEventsRetention() {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 7))
        let old = [LogInput](repeating: LogInput(timestampMs: Self.now - 6 * Self.day, message: "old"), count: LogStore.chunkCapacity)
        state.applyValidated(old, nowMs: Self.now)
        state.applyValidated([LogInput(timestampMs: Self.now, message: "new")], nowMs: Self.now)
        #expect(state.logs.sealed.count == 1)
        state.evictExpired(nowMs: Self.now + 2 * Self.day)
        #expect(state.logs.sealed.isEmpty)
        #expect(state.logs.count == 1)
        #expect(state.logs.evictedRecords == LogStore.chunkCapacity)
        #expect(state.logsIngested == LogStore.chunkCapacity + 1)
    }
}
