import Testing
@testable import Runtime
@testable import Snapshot

/// Log batches through the WAL (type 12, alone and keyed) and the logs through a snapshot (section 19).
@Suite struct LogCodecTests {
    static let now: Int64 = 1_793_448_000_000

    static let records = [
        LogInput(timestampMs: now - 5, service: "api", level: .error, source: "db", message: "timeout ✓",
                 attributes: [.init("attempt", "3"), .init("ok", "false")]),
        LogInput(timestampMs: nil, service: nil, level: .trace, source: nil, message: "x", attributes: []),
    ]

    @Test func logBatchesRoundTripThroughTheWAL() throws {
        let mutation = Mutation.logs(nowMs: Self.now, records: Self.records)
        #expect(mutation.typeCode == 12)
        #expect(try Mutation.decoded(type: 12, payload: mutation.encodedPayload()) == mutation)
        let keyed = Mutation.idempotent(key: "k", fingerprint: 9, atMs: 1, write: mutation)
        #expect(Mutation.decode(type: 9, payload: keyed.encodedPayload()) == keyed)
    }

    @Test func aCutLogRecordDoesNotDecode() {
        let payload = Mutation.logs(nowMs: Self.now, records: Self.records).encodedPayload()
        for cut in 0..<payload.count { #expect(Mutation.decode(type: 12, payload: Array(payload.prefix(cut))) == nil, "cut at \(cut)") }
    }

    @Test func anUnknownLevelByteDoesNotDecode() {
        var payload = Mutation.logs(nowMs: Self.now, records: [Self.records[1]]).encodedPayload()
        // clock, count, has-timestamp, timestamp, service flag, empty service: the level byte follows.
        let levelOffset = 8 + 4 + 1 + 8 + 1 + 4
        #expect(payload[levelOffset] == LogLevel.trace.rawValue)
        payload[levelOffset] = 6
        #expect(Mutation.decode(type: 12, payload: payload) == nil)
    }

    @Test func logsSurviveASnapshotAndAnOldSnapshotHasNone() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        // More than a chunk, so sealed chunks and the open one are both written.
        let services: [String?] = ["a", "b", nil]
        let many = (0..<(LogStore.chunkCapacity + 10)).map { (i: Int) -> LogInput in
            let attributes: [LogInput.Attribute] = i % 4 == 0 ? [] : [.init("k\(i % 5)", String(i))]
            let source: String? = i % 2 == 0 ? "s" : nil
            return LogInput(timestampMs: Self.now - Int64(i), service: services[i % 3], level: LogLevel.allCases[i % 6], source: source,
                            message: "m\(i % 7)", attributes: attributes)
        }
        state.applyValidated(many, nowMs: Self.now)
        state.applyValidated(Self.records, nowMs: Self.now)
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        #expect(TenantState.Section.logs.rawValue == 19)
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.logs.records(from: 0, to: .max) == state.logs.records(from: 0, to: .max))
        #expect(restored.logs.sealed.count == 1)
        #expect(restored.logsIngested == state.logsIngested)
        sections[.logs] = nil
        let old = try TenantState(settings: state.settings, sections: sections)
        #expect(old.logs.count == 0)
    }

    @Test func aServiceIdPastTheInternerIsDamage() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        state.applyValidated(Self.records, nowMs: Self.now)
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        var w = BinaryWriter()
        var logs = state.logs
        logs.open.services[0] = 7
        logs.encode(into: &w); w.write(UInt64(2))
        sections[.logs] = w.bytes
        #expect(throws: TenantState.DecodingError.self) { try TenantState(settings: state.settings, sections: sections) }
    }
}
