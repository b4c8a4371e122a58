import Runtime

/// Every accepted write of a tenant, as it is logged before it is answered. Replaying the
/// mutations in order rebuilds the tenant exactly: each carries the clock and the anonymous id
/// it was applied with.
public enum Mutation: Sendable, Equatable {
    /// An ingest body exactly as received (parsed again on replay).
    case ingestBody(nowMs: Int64, anonymousID: String, body: [UInt8])
    /// The same, zstd-compressed by the request's task before it reaches the actor: JSON shrinks
    /// several times over, so the log writes and fsyncs far fewer bytes.
    case packedIngestBody(nowMs: Int64, anonymousID: String, body: PackedBody)
    /// Events given field by field (client errors and other small writes).
    case events(nowMs: Int64, anonymousID: String, events: [EventInput])
    case merge(anonymousID: String, user: String)
    /// Properties, owners and notes set through the API.
    case profileEdit(ProfileEdit)
    case segmentEdit(SegmentEdit)
    case nudgeEdit(NudgeEdit)
    case journeyEdit(JourneyEdit)
    case markEdit(MarkEdit)
    /// Health settings, and the daily scores as they were taken.
    case healthEdit(HealthEdit)
    /// Signals raised and cleared by the rules, dismissed and acted on through the API.
    case signalEdit(SignalEdit)
    /// Impact outcomes, set by the data after an action's window or by hand.
    case impactEdit(ImpactEdit)
    /// Settings, labels, alerts (and their firings), goals and saved views.
    case workspaceEdit(WorkspaceEdit)
    /// Success events, the discoveries runs found first, and their status and pins.
    case discoveryEdit(DiscoveryEdit)
    /// Retention, archived types, property metadata, type renames, and rewrites of the events (deletes, merges).
    case dataEdit(DataEdit)
    /// Profile edits made as one write (`/api/bulk/...`): all applied or none.
    case profileEdits([ProfileEdit])
    /// The metadata schema and the Do Not Process and guide opt-out flags (the Pendo-compatible API).
    case metadataEdit(MetadataEdit)
    /// Pages, features and groups defined by rules (the Pendo-compatible API).
    case taggingEdit(TaggingEdit)
    case personyzeEdit(PersonyzeEdit)
    /// Structured log records (`POST /api/v1/logs`), with the clock that times those sent without a time.
    case logs(nowMs: Int64, records: [LogInput])
    /// A write that came with an `Idempotency-Key`: the key is logged in the same record as the
    /// write, so a crash can never keep one without the other.
    indirect case idempotent(key: String, fingerprint: UInt64, atMs: Int64, write: Mutation)
    /// The answer a keyed write got, for the retries that come after a restart.
    case idempotentAnswer(key: String, status: Int, body: [UInt8])
    /// What an SDK route (Segment, PostHog, Amplitude, Mixpanel) took from one request, its
    /// message ids included, so a crash keeps the ids and the events together or neither.
    case sdkWrite(SDKWrite)
    /// An SDK body the fast path took (`SDKTranslator`), as received and compressed: translated
    /// again on replay, the same way (its message ids included).
    case sdkPackedBody(dialect: Int32, nowMs: Int64, body: PackedBody)

    /// The record type byte in the WAL.
    public var typeCode: UInt8 {
        switch self {
        case .ingestBody: 1
        case .events: 2
        case .merge: 3
        case .packedIngestBody: 4
        case .profileEdit: 5
        case .segmentEdit: 6
        case .nudgeEdit: 7
        case .journeyEdit: 8
        case .idempotent: 9
        case .idempotentAnswer: 10
        case .markEdit: 11
        case .logs: 12
        case .sdkWrite: 13
        case .sdkPackedBody: 14
        case .healthEdit: 15
        case .signalEdit: 16
        case .impactEdit: 17
        case .workspaceEdit: 18
        case .discoveryEdit: 19
        case .dataEdit: 20
        case .profileEdits: 21
        case .metadataEdit: 22
        case .taggingEdit: 23
        case .personyzeEdit: 24
        }
    }

    public func encodedPayload() -> [UInt8] {
        var writer = BinaryWriter()
        switch self {
        case .ingestBody(let nowMs, let anonymousID, let body):
            writer.write(nowMs); writer.write(anonymousID); writer.write(bytes: body)
        case .events(let nowMs, let anonymousID, let events):
            writer.write(nowMs); writer.write(anonymousID)
            Self.encode(events, into: &writer)
        case .merge(let anonymousID, let user):
            writer.write(anonymousID); writer.write(user)
        case .packedIngestBody(let nowMs, let anonymousID, let body):
            writer.write(nowMs); writer.write(anonymousID); writer.write(UInt32(body.rawSize)); writer.write(bytes: body.compressed)
        case .profileEdit(let edit):
            edit.encode(into: &writer)
        case .segmentEdit(let edit):
            edit.encode(into: &writer)
        case .nudgeEdit(let edit):
            edit.encode(into: &writer)
        case .journeyEdit(let edit):
            edit.encode(into: &writer)
        case .markEdit(let edit):
            edit.encode(into: &writer)
        case .healthEdit(let edit):
            edit.encode(into: &writer)
        case .signalEdit(let edit):
            edit.encode(into: &writer)
        case .impactEdit(let edit):
            edit.encode(into: &writer)
        case .workspaceEdit(let edit):
            edit.encode(into: &writer)
        case .discoveryEdit(let edit):
            edit.encode(into: &writer)
        case .dataEdit(let edit):
            edit.encode(into: &writer)
        case .metadataEdit(let edit):
            edit.encode(into: &writer)
        case .taggingEdit(let edit):
            edit.encode(into: &writer)
        case .personyzeEdit(let edit):
            edit.encode(into: &writer)
        case .profileEdits(let edits):
            writer.write(UInt32(edits.count))
            for edit in edits { edit.encode(into: &writer) }
        case .logs(let nowMs, let records):
            writer.write(nowMs); writer.write(UInt32(records.count))
            for record in records { record.encode(into: &writer) }
        case .idempotent(let key, let fingerprint, let atMs, let write):
            writer.write(key); writer.write(fingerprint); writer.write(atMs)
            writer.write(write.typeCode); writer.write(bytes: write.encodedPayload())
        case .idempotentAnswer(let key, let status, let body):
            writer.write(key); writer.write(UInt16(clamping: status)); writer.write(bytes: body)
        case .sdkPackedBody(let dialect, let nowMs, let body):
            writer.write(UInt8(clamping: dialect)); writer.write(nowMs); writer.write(UInt32(body.rawSize)); writer.write(bytes: body.compressed)
        case .sdkWrite(let write):
            writer.write(write.nowMs); writer.write(write.anonymousID)
            writer.write(UInt32(write.messageIDs.count))
            for id in write.messageIDs { writer.write(id) }
            Self.encode(write.events, into: &writer)
            writer.write(UInt32(write.merges.count))
            for merge in write.merges {
                writer.write(UInt32(merge.candidates.count))
                for candidate in merge.candidates { writer.write(candidate) }
                writer.write(merge.user); writer.write(UInt8(merge.onlyIfSeen ? 1 : 0))
            }
            writer.write(UInt32(write.edits.count))
            for edit in write.edits { edit.encode(into: &writer) }
        }
        return writer.bytes
    }

    /// The record types this build writes and reads.
    public static let knownTypes: ClosedRange<UInt8> = 1...24

    /// The mutation in a record.
    /// - Throws: `ReplayRefusal` naming an unknown type (a newer build wrote it) or a payload that does not decode.
    public static func decoded(type: UInt8, payload: [UInt8]) throws -> Mutation {
        guard knownTypes.contains(type) else { throw ReplayRefusal("record type \(type) is unknown to this build") }
        guard let mutation = decode(type: type, payload: payload) else { throw ReplayRefusal("the payload of a type-\(type) record does not decode") }
        return mutation
    }

    /// The mutation in a record, or nil when the payload does not decode (a damaged record).
    public static func decode(type: UInt8, payload: [UInt8]) -> Mutation? {
        payload.withUnsafeBytes { decode(type: type, payload: $0) }
    }

    public static func decode(type: UInt8, payload: UnsafeRawBufferPointer) -> Mutation? {
        var reader = BinaryReader(payload)
        switch type {
        case 1:
            guard let nowMs = reader.read(Int64.self), let anonymousID = reader.readString(), let body = reader.readBytes() else { return nil }
            return .ingestBody(nowMs: nowMs, anonymousID: anonymousID, body: Array(body))
        case 2:
            guard let nowMs = reader.read(Int64.self), let anonymousID = reader.readString(), let events = decodeEvents(from: &reader) else { return nil }
            return .events(nowMs: nowMs, anonymousID: anonymousID, events: events)
        case 3:
            guard let anonymousID = reader.readString(), let user = reader.readString() else { return nil }
            return .merge(anonymousID: anonymousID, user: user)
        case 4:
            guard let nowMs = reader.read(Int64.self), let anonymousID = reader.readString(), let rawSize = reader.read(UInt32.self),
                  let compressed = reader.readBytes() else { return nil }
            return .packedIngestBody(nowMs: nowMs, anonymousID: anonymousID, body: PackedBody(rawSize: Int(rawSize), compressed: Array(compressed)))
        case 5:
            guard let edit = ProfileEdit.decode(from: &reader), reader.remaining == 0 else { return nil }
            return .profileEdit(edit)
        case 6:
            guard let edit = SegmentEdit.decode(from: &reader), reader.remaining == 0 else { return nil }
            return .segmentEdit(edit)
        case 7:
            guard let edit = NudgeEdit.decode(from: &reader), reader.remaining == 0 else { return nil }
            return .nudgeEdit(edit)
        case 8:
            guard let edit = JourneyEdit.decode(from: &reader), reader.remaining == 0 else { return nil }
            return .journeyEdit(edit)
        case 9:
            // The wrapped write is never itself keyed: one level only.
            guard let key = reader.readString(), let fingerprint = reader.read(UInt64.self), let atMs = reader.read(Int64.self),
                  let innerType = reader.read(UInt8.self), innerType != 9, innerType != 10, let innerPayload = reader.readBytes(),
                  reader.remaining == 0, let write = decode(type: innerType, payload: innerPayload) else { return nil }
            return .idempotent(key: key, fingerprint: fingerprint, atMs: atMs, write: write)
        case 10:
            guard let key = reader.readString(), let status = reader.read(UInt16.self), let body = reader.readBytes(), reader.remaining == 0 else { return nil }
            return .idempotentAnswer(key: key, status: Int(status), body: Array(body))
        case 11:
            guard let edit = MarkEdit.decode(from: &reader), reader.remaining == 0 else { return nil }
            return .markEdit(edit)
        case 12:
            guard let nowMs = reader.read(Int64.self), let count = reader.read(UInt32.self), Int(count) <= reader.remaining else { return nil }
            var records: [LogInput] = []
            for _ in 0..<count {
                guard let record = LogInput.decode(from: &reader) else { return nil }
                records.append(record)
            }
            guard reader.remaining == 0 else { return nil }
            return .logs(nowMs: nowMs, records: records)
        case 13:
            guard let nowMs = reader.read(Int64.self), let anonymousID = reader.readString(),
                  let idCount = reader.read(UInt32.self), Int(idCount) <= reader.remaining else { return nil }
            var ids: [String] = []
            for _ in 0..<idCount {
                guard let id = reader.readString() else { return nil }
                ids.append(id)
            }
            guard let events = decodeEvents(from: &reader), let mergeCount = reader.read(UInt32.self), Int(mergeCount) <= reader.remaining else { return nil }
            var merges: [SDKMerge] = []
            for _ in 0..<mergeCount {
                guard let candidateCount = reader.read(UInt32.self), Int(candidateCount) <= reader.remaining else { return nil }
                var candidates: [String] = []
                for _ in 0..<candidateCount {
                    guard let candidate = reader.readString() else { return nil }
                    candidates.append(candidate)
                }
                guard let user = reader.readString(), let onlyIfSeen = reader.read(UInt8.self), onlyIfSeen <= 1 else { return nil }
                merges.append(SDKMerge(candidates: candidates, user: user, onlyIfSeen: onlyIfSeen == 1))
            }
            guard let editCount = reader.read(UInt32.self), Int(editCount) <= reader.remaining else { return nil }
            var edits: [ProfileEdit] = []
            for _ in 0..<editCount {
                guard let edit = ProfileEdit.decode(from: &reader) else { return nil }
                edits.append(edit)
            }
            guard reader.remaining == 0 else { return nil }
            return .sdkWrite(SDKWrite(nowMs: nowMs, anonymousID: anonymousID, messageIDs: ids, events: events, merges: merges, edits: edits))
        case 14:
            guard let dialect = reader.read(UInt8.self), let nowMs = reader.read(Int64.self), let rawSize = reader.read(UInt32.self),
                  let compressed = reader.readBytes(), reader.remaining == 0 else { return nil }
            return .sdkPackedBody(dialect: Int32(dialect), nowMs: nowMs, body: PackedBody(rawSize: Int(rawSize), compressed: Array(compressed)))
        case 15:
            guard let edit = HealthEdit.decode(from: &reader), reader.remaining == 0 else { return nil }
            return .healthEdit(edit)
        case 16:
            guard let edit = SignalEdit.decode(from: &reader), reader.remaining == 0 else { return nil }
            return .signalEdit(edit)
        case 17:
            guard let edit = ImpactEdit.decode(from: &reader), reader.remaining == 0 else { return nil }
            return .impactEdit(edit)
        case 18:
            guard let edit = WorkspaceEdit.decode(from: &reader), reader.remaining == 0 else { return nil }
            return .workspaceEdit(edit)
        case 19:
            guard let edit = DiscoveryEdit.decode(from: &reader), reader.remaining == 0 else { return nil }
            return .discoveryEdit(edit)
        case 20:
            guard let edit = DataEdit.decode(from: &reader), reader.remaining == 0 else { return nil }
            return .dataEdit(edit)
        case 21:
            guard let count = reader.read(UInt32.self), Int(count) <= reader.remaining else { return nil }
            var edits: [ProfileEdit] = []
            for _ in 0..<count {
                guard let edit = ProfileEdit.decode(from: &reader) else { return nil }
                edits.append(edit)
            }
            guard reader.remaining == 0 else { return nil }
            return .profileEdits(edits)
        case 22:
            guard let edit = MetadataEdit.decode(from: &reader), reader.remaining == 0 else { return nil }
            return .metadataEdit(edit)
        case 23:
            guard let edit = TaggingEdit.decode(from: &reader), reader.remaining == 0 else { return nil }
            return .taggingEdit(edit)
        case 24:
            guard let edit = PersonyzeEdit.decode(from: &reader), reader.remaining == 0 else { return nil }
            return .personyzeEdit(edit)
        default:
            return nil
        }
    }
}

extension Mutation {
    /// Events field by field: type, user, account and page (each with a presence byte), timestamp, properties.
    static func encode(_ events: [EventInput], into writer: inout BinaryWriter) {
        writer.write(UInt32(events.count))
        for event in events {
            writer.write(event.eventType)
            for optional in [event.user, event.account, event.page] {
                writer.write(UInt8(optional == nil ? 0 : 1)); writer.write(optional ?? "")
            }
            writer.write(UInt8(event.timestampMs == nil ? 0 : 1)); writer.write(event.timestampMs ?? 0)
            writer.write(UInt32(event.properties.count))
            for property in event.properties { writer.write(property.key); writer.write(property.value) }
        }
    }

    static func decodeEvents(from reader: inout BinaryReader) -> [EventInput]? {
        guard let count = reader.read(UInt32.self), Int(count) <= reader.remaining else { return nil }
        var events: [EventInput] = []
        for _ in 0..<count {
            guard let type = reader.readString() else { return nil }
            var optionals: [String?] = []
            for _ in 0..<3 {
                guard let present = reader.read(UInt8.self), let text = reader.readString() else { return nil }
                optionals.append(present == 1 ? text : nil)
            }
            guard let hasTimestamp = reader.read(UInt8.self), let timestamp = reader.read(Int64.self),
                  let propertyCount = reader.read(UInt32.self), Int(propertyCount) <= reader.remaining else { return nil }
            var properties: [EventInput.Property] = []
            for _ in 0..<propertyCount {
                guard let key = reader.readString(), let value = reader.readString() else { return nil }
                properties.append(.init(key, value))
            }
            events.append(EventInput(eventType: type, user: optionals[0], account: optionals[1], page: optionals[2],
                                     timestampMs: hasTimestamp == 1 ? timestamp : nil, properties: properties))
        }
        return events
    }
}

/// A request body compressed for the WAL.
public struct PackedBody: Sendable, Equatable {
    public var rawSize: Int
    public var compressed: [UInt8]

    public init(rawSize: Int, compressed: [UInt8]) { self.rawSize = rawSize; self.compressed = compressed }

    /// zstd at its fastest level: the point is fewer bytes to write, not the smallest file.
    public static func pack(_ body: UnsafeRawBufferPointer) throws -> PackedBody {
        PackedBody(rawSize: body.count, compressed: try Zstd.compress(body, level: 1))
    }

    public static func pack(_ body: [UInt8]) throws -> PackedBody {
        try body.withUnsafeBytes { try pack($0) }
    }

    public func unpacked() throws -> [UInt8] {
        try compressed.withUnsafeBytes { try Zstd.decompress($0, size: rawSize) }
    }
}
