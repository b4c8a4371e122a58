/// Visitor and account metadata as the Pendo-compatible API shapes it (docs/pendo.md, Metadata):
/// a schema of fields per kind and group, and the two flags the rest of Beacon honours. Do Not
/// Process drops a visitor's or account's new events at ingest; a guide opt-out keeps every
/// nudge from them. Values themselves are user and account properties.
public struct Metadata: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case visitor, account }
    /// The groups whose schema can be written; the others (`auto`, `pendo`, integrations) are Beacon's.
    public enum Group: String, Sendable, CaseIterable { case agent, custom }
    public enum FieldType: String, Sendable, CaseIterable { case string, number, time, boolean }
    public enum Flag: String, Sendable, CaseIterable { case doNotProcess = "donotprocess", guideOptOut = "blacklistguides" }

    public struct Field: Sendable, Equatable {
        public var name: String
        public var displayName: String
        public var type: FieldType
        public var deleted: Bool
        public var updatedMs: Int64
        public init(name: String, displayName: String, type: FieldType, deleted: Bool = false, updatedMs: Int64) {
            self.name = name; self.displayName = displayName; self.type = type; self.deleted = deleted; self.updatedMs = updatedMs
        }
    }

    public struct FieldKey: Hashable, Sendable, Comparable {
        public var kind: Kind
        public var group: Group
        public var name: String
        public init(_ kind: Kind, _ group: Group, _ name: String) { self.kind = kind; self.group = group; self.name = name }
        public static func < (a: FieldKey, b: FieldKey) -> Bool { (a.kind.rawValue, a.group.rawValue, a.name) < (b.kind.rawValue, b.group.rawValue, b.name) }
    }

    public struct FlagKey: Hashable, Sendable {
        public var flag: Flag
        public var kind: Kind
        public init(_ flag: Flag, _ kind: Kind) { self.flag = flag; self.kind = kind }
    }

    /// A bulk delete of visitors or accounts: requested, then completed. Kept for good, as the
    /// seed's receipt.
    public struct Deletion: Sendable, Equatable {
        public var id: Int
        public var kind: Kind
        public var ids: [String]
        public var requestedMs: Int64
        public var completedMs: Int64?
        public var eventsDeleted: Int
        public init(id: Int, kind: Kind, ids: [String], requestedMs: Int64, completedMs: Int64? = nil, eventsDeleted: Int = 0) {
            self.id = id; self.kind = kind; self.ids = ids; self.requestedMs = requestedMs; self.completedMs = completedMs; self.eventsDeleted = eventsDeleted
        }
    }

    /// The seed's cap on one deletion request.
    public static let maxDeletionIDs = 500

    /// The seed's cap on one schema write, and Beacon's on a group's fields and a flag's ids.
    public static let maxFieldsPerWrite = 24
    public static let maxFieldsPerGroup = 1_000
    public static let maxFlagged = 1_000_000

    /// Every field ever defined; a deleted one is kept so it can be undeleted.
    public package(set) var fields: [FieldKey: Field] = [:]
    public package(set) var flagged: [FlagKey: Set<String>] = [:]
    public package(set) var deletions: [Int: Deletion] = [:]

    public var nextDeletionID: Int { (deletions.keys.max() ?? 0) + 1 }

    /// The ids of `kind` whose deletion is requested and not yet done.
    public func pendingDeletion(_ kind: Kind) -> Set<String> {
        Set(deletions.values.filter { $0.kind == kind && $0.completedMs == nil }.flatMap(\.ids))
    }

    public init() {}

    public var isEmpty: Bool { fields.isEmpty && flagged.values.allSatisfy(\.isEmpty) && deletions.isEmpty }

    public func ids(_ flag: Flag, _ kind: Kind) -> Set<String> { flagged[FlagKey(flag, kind)] ?? [] }

    public func isFlagged(_ flag: Flag, _ kind: Kind, _ id: String) -> Bool { flagged[FlagKey(flag, kind)]?.contains(id) ?? false }

    /// The live fields of one kind and group, by name.
    public func schema(_ kind: Kind, _ group: Group) -> [Field] {
        fields.filter { $0.key.kind == kind && $0.key.group == group && !$0.value.deleted }.map(\.value).sorted { $0.name < $1.name }
    }

    /// Whether any Do Not Process id is set: ingest looks names up only then. Asked once per
    /// event, so the usual case (no flag at all; emptied sets are removed) costs no hashing.
    var dropsEvents: Bool {
        !flagged.isEmpty && (flagged[FlagKey(.doNotProcess, .visitor)] != nil || flagged[FlagKey(.doNotProcess, .account)] != nil)
    }
}
