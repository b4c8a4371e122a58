import Runtime
import Snapshot

/// One message of a unit's stream (docs/cluster.md, "The log"): a WAL record's payload with its
/// type in a header, or a fence a new owner wrote after its claim.
public enum UnitRecord: Sendable, Equatable {
    case mutation(type: UInt8, payload: [UInt8])
    case fence(owner: String)

    public static let typeHeader = "Beacon-Type"
    public static let fenceHeader = "Beacon-Fence"

    /// The headers and payload a record is published with.
    public static func message(for mutation: Mutation) -> (headers: [(String, String)], payload: [UInt8]) {
        ([(typeHeader, String(mutation.typeCode))], mutation.encodedPayload())
    }

    /// The fence of `node` under `term`: an empty message.
    public static func fence(node: String, term: UInt64) -> (headers: [(String, String)], payload: [UInt8]) {
        ([(fenceHeader, "\(node)/\(term)")], [])
    }

    /// Reads a stream message back; `header` looks a header up by name.
    public static func read(header: (String) -> String?, payload: [UInt8]) throws(UnreadableRecord) -> UnitRecord {
        if let fence = header(fenceHeader) { return .fence(owner: fence) }
        guard let text = header(typeHeader) else { throw UnreadableRecord(reason: "no \(typeHeader) header") }
        guard let type = UInt8(text), Mutation.knownTypes.contains(type) else { throw UnreadableRecord(reason: "unknown record type '\(text)'") }
        return .mutation(type: type, payload: payload)
    }
}

public struct UnreadableRecord: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var description: String { "a stream record cannot be read: \(reason)" }
}

/// A unit's state rebuilt from its newest snapshot and the stream after it: every record
/// applies in order, fences are passed over, and `lastSequence` follows the stream.
public struct UnitReplay {
    public private(set) var state: TenantState
    public private(set) var lastSequence: UInt64
    public private(set) var applied = 0
    public private(set) var fences = 0
    let parser = FastIngestParser()

    public init(state: TenantState, after sequence: UInt64) {
        self.state = state
        self.lastSequence = sequence
    }

    /// Applies the stream's record at `sequence`; records at or before `lastSequence` (covered by
    /// the snapshot, or delivered twice) are passed over.
    public mutating func apply(sequence: UInt64, header: (String) -> String?, payload: [UInt8]) throws {
        guard sequence > lastSequence else { return }
        switch try UnitRecord.read(header: header, payload: payload) {
        case .fence: fences += 1
        case .mutation(let type, let payload):
            try state.replay(try Mutation.decoded(type: type, payload: payload), parser: parser)
            applied += 1
        }
        lastSequence = sequence
    }
}
