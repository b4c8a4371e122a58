/// An event that counts as success for discovery analysis: a user who does it within
/// `windowDays` of their first event reached it (docs/discoveries.md).
public struct SuccessEvent: Sendable, Equatable {
    public var id: Int
    public var eventType: String
    public var windowDays: Int
    /// The behaviours looked at are those of a user's first `behaviourDays` days.
    public var behaviourDays: Int
    public var createdMs: Int64

    public static let defaultWindowDays = 30
    public static let defaultBehaviourDays = 7
    public static let maxWindowDays = 365

    public init(id: Int, eventType: String, windowDays: Int, behaviourDays: Int, createdMs: Int64) {
        self.id = id; self.eventType = eventType; self.windowDays = windowDays; self.behaviourDays = behaviourDays; self.createdMs = createdMs
    }
}

/// Something a user can do in their first days: an event type, or an event type with a property
/// value or on a page.
public struct DiscoveryBehaviour: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable { case event, property, page }
    public var kind: Kind
    public var eventType: String
    /// The property key (`property`), empty otherwise.
    public var key: String
    /// The property value or the page (`property`, `page`), empty otherwise.
    public var value: String

    public init(kind: Kind, eventType: String, key: String = "", value: String = "") {
        self.kind = kind; self.eventType = eventType; self.key = key; self.value = value
    }

    public var description: String {
        switch kind {
        case .event: eventType
        case .property: "\(eventType) with \(key) = \(value)"
        case .page: "\(eventType) on \(value)"
        }
    }
}

/// A discovery as kept: which behaviour for which success event, and what people made of it.
public struct DiscoveryRecord: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case new, reviewed, actioned, dismissed }
    public var id: Int
    public var successID: Int
    public var behaviour: DiscoveryBehaviour
    public var status: Status = .new
    public var pinned = false
    public var foundMs: Int64
    public var updatedMs: Int64

    public init(id: Int, successID: Int, behaviour: DiscoveryBehaviour, status: Status = .new, pinned: Bool = false, foundMs: Int64, updatedMs: Int64) {
        self.id = id; self.successID = successID; self.behaviour = behaviour; self.status = status; self.pinned = pinned
        self.foundMs = foundMs; self.updatedMs = updatedMs
    }
}

/// The tenant's success events and discoveries. The numbers behind a discovery are not kept:
/// they are worked out again from the data (`TenantState.discoveryFindings`).
public struct Discoveries: Sendable, Equatable {
    public static let maxSuccessEvents = 3
    /// Per success event, past this many the oldest records not found in the latest run go.
    public static let keptPerSuccessEvent = 1_000

    public package(set) var successEvents: [Int: SuccessEvent] = [:]
    public package(set) var records: [Int: DiscoveryRecord] = [:]
    public package(set) var nextID = 1
    /// Bumped when a success event comes or goes: a run made before answers other questions.
    public package(set) var definitionsVersion = 0
    package var idByKey: [Key: Int] = [:]

    public struct Key: Sendable, Hashable {
        public var successID: Int
        public var behaviour: DiscoveryBehaviour
        public init(successID: Int, behaviour: DiscoveryBehaviour) { self.successID = successID; self.behaviour = behaviour }
    }

    public init() {}

    public func id(of key: Key) -> Int? { idByKey[key] }
}

/// One change to the discoveries, as logged in the WAL.
public enum DiscoveryEdit: Sendable, Equatable {
    case addSuccessEvent(SuccessEvent)
    /// The success event and its discoveries go.
    case removeSuccessEvent(id: Int)
    /// A run found these behaviours first (new records), and these records went (`retired`).
    case found([DiscoveryRecord], retired: [Int])
    case mark(id: Int, status: DiscoveryRecord.Status?, pinned: Bool?, atMs: Int64)
}

public enum DiscoveryEditRefusal: Error, Sendable, Equatable {
    case unknownSuccessEvent(Int)
    case unknownDiscovery(Int)
    case tooManySuccessEvents
    case duplicateEventType(String)
    case duplicateID(Int)
}

extension TenantState {
    public func refusal(of edit: DiscoveryEdit) -> DiscoveryEditRefusal? {
        let d = discoveries
        switch edit {
        case .addSuccessEvent(let s):
            if d.successEvents[s.id] != nil || d.records[s.id] != nil { return .duplicateID(s.id) }
            if d.successEvents.values.contains(where: { $0.eventType == s.eventType }) { return .duplicateEventType(s.eventType) }
            return d.successEvents.count >= Discoveries.maxSuccessEvents ? .tooManySuccessEvents : nil
        case .removeSuccessEvent(let id): return d.successEvents[id] == nil ? .unknownSuccessEvent(id) : nil
        case .found(let records, _):
            for r in records {
                if d.records[r.id] != nil || d.successEvents[r.id] != nil { return .duplicateID(r.id) }
                if d.successEvents[r.successID] == nil { return .unknownSuccessEvent(r.successID) }
            }
            return nil
        case .mark(let id, _, _, _): return d.records[id] == nil ? .unknownDiscovery(id) : nil
        }
    }

    public mutating func apply(_ edit: DiscoveryEdit) throws(DiscoveryEditRefusal) {
        if let refusal = refusal(of: edit) { throw refusal }
        func taking(_ id: Int) { discoveries.nextID = max(discoveries.nextID, id &+ 1) }   // &+: an id read back from the WAL must not trap
        switch edit {
        case .addSuccessEvent(let s):
            discoveries.successEvents[s.id] = s; taking(s.id); discoveries.definitionsVersion &+= 1
        case .removeSuccessEvent(let id):
            discoveries.successEvents[id] = nil
            for r in discoveries.records.values where r.successID == id { removeDiscovery(r.id) }
            discoveries.definitionsVersion &+= 1
        case .found(let records, let retired):
            for id in retired { removeDiscovery(id) }
            for r in records {
                discoveries.records[r.id] = r
                discoveries.idByKey[Discoveries.Key(successID: r.successID, behaviour: r.behaviour)] = r.id
                taking(r.id)
            }
        case .mark(let id, let status, let pinned, let atMs):
            if let status { discoveries.records[id]!.status = status }
            if let pinned { discoveries.records[id]!.pinned = pinned }
            discoveries.records[id]!.updatedMs = atMs
        }
        version &+= 1
    }

    private mutating func removeDiscovery(_ id: Int) {
        guard let r = discoveries.records.removeValue(forKey: id) else { return }
        discoveries.idByKey[Discoveries.Key(successID: r.successID, behaviour: r.behaviour)] = nil
    }

    /// The records a run's findings call for: one for each finding without one, and, past
    /// `keptPerSuccessEvent`, the oldest unpinned records the run did not find retired.
    public func discoveryEdit(for findings: [DiscoveryFinding], nowMs: Int64) -> DiscoveryEdit? {
        var nextID = discoveries.nextID
        var added: [DiscoveryRecord] = []
        for f in findings where discoveries.successEvents[f.successID] != nil {
            let key = Discoveries.Key(successID: f.successID, behaviour: f.behaviour)
            guard discoveries.idByKey[key] == nil else { continue }
            added.append(DiscoveryRecord(id: nextID, successID: f.successID, behaviour: f.behaviour, foundMs: nowMs, updatedMs: nowMs))
            nextID &+= 1
        }
        let found = Set(findings.map { Discoveries.Key(successID: $0.successID, behaviour: $0.behaviour) })
        var retired: [Int] = []
        for successID in discoveries.successEvents.keys {
            let kept = discoveries.records.values.filter { $0.successID == successID }.count + added.filter { $0.successID == successID }.count
            guard kept > Discoveries.keptPerSuccessEvent else { continue }
            let candidates = discoveries.records.values
                .filter { $0.successID == successID && !$0.pinned && !found.contains(Discoveries.Key(successID: $0.successID, behaviour: $0.behaviour)) }
                .sorted { $0.id < $1.id }
            retired += candidates.prefix(kept - Discoveries.keptPerSuccessEvent).map(\.id)
        }
        return added.isEmpty && retired.isEmpty ? nil : .found(added, retired: retired.sorted())
    }
}

/// The latest discovery run: the findings of every success event as the data stood.
public struct DiscoveryRun: Sendable {
    public struct Cohort: Sendable, Equatable {
        public var users: Int; public var reached: Int
        public init(users: Int, reached: Int) { self.users = users; self.reached = reached }
    }
    public var definitionsVersion: Int
    public var dataStamp: TenantState.DataStamp
    public var computedMs: Int64
    /// Monotonic, for the once-a-minute rule.
    public var computedNs: UInt64
    public var durationMs: Double
    public var cohorts: [Int: Cohort]
    public var findings: [DiscoveryFinding]

    public init(definitionsVersion: Int, dataStamp: TenantState.DataStamp, computedMs: Int64, computedNs: UInt64, durationMs: Double,
                cohorts: [Int: Cohort], findings: [DiscoveryFinding]) {
        self.definitionsVersion = definitionsVersion; self.dataStamp = dataStamp; self.computedMs = computedMs; self.computedNs = computedNs
        self.durationMs = durationMs; self.cohorts = cohorts; self.findings = findings
    }
}

extension TenantState {
    /// What changes when the events do (and not when a record about them does): ingest, eviction, merges, rewrites.
    public struct DataStamp: Sendable, Equatable {
        var ingested: Int
        var evicted: Int
        var merged: Int
        var rewritten: Int
    }

    public var dataStamp: DataStamp { DataStamp(ingested: eventsIngested, evicted: log.evictedEvents, merged: users.mergedCount, rewritten: eventsRewritten) }
}
