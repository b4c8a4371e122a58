/// One change to the journeys, as logged in the WAL (daily snapshots included, with their day).
public enum JourneyEdit: Sendable, Equatable {
    case create(JourneyDefinition, id: Int, nowMs: Int64)
    case update(JourneyDefinition, id: Int, nowMs: Int64)
    case delete(id: Int)
    case snapshot(id: Int, day: DayNumber, users: [Int])
    /// Acting on a recommendation starts tracking its impact, in the same record (docs/impact.md).
    case decide(id: Int, recommendation: String, action: RecommendationDecision.Action, atMs: Int64, impact: ImpactAction? = nil)
}

public enum JourneyEditRefusal: Error, Sendable, Equatable {
    case unknownJourney(Int)
    case unknownRecommendation(String)
    case duplicateImpact(Int)
}

extension TenantState {
    public var nextJourneyID: Int { journeys.nextID }

    public func refusal(of edit: JourneyEdit) -> JourneyEditRefusal? {
        switch edit {
        case .create: return nil
        case .update(_, let id, _), .delete(let id), .snapshot(let id, _, _):
            return journeys.byID[id] == nil ? .unknownJourney(id) : nil
        case .decide(let id, let recommendation, _, let atMs, let action):
            guard let journey = journeys.byID[id] else { return .unknownJourney(id) }
            if let action, impact.byID[action.id] != nil { return .duplicateImpact(action.id) }
            return recommendations(for: journey, nowMs: atMs).contains { $0.id == recommendation } ? nil : .unknownRecommendation(recommendation)
        }
    }

    public mutating func apply(_ edit: JourneyEdit) throws(JourneyEditRefusal) {
        if let refusal = refusal(of: edit) { throw refusal }
        switch edit {
        case .create(let d, let id, let nowMs):
            journeys.byID[id] = Journey(id: id, name: d.name, steps: d.steps, windowDays: d.windowDays, status: d.status, createdMs: nowMs, updatedMs: nowMs)
            journeys.nextID = max(journeys.nextID, id &+ 1)   // &+: an id read back from the WAL must not trap
        case .update(let d, let id, let nowMs):
            var journey = journeys.byID[id]!
            if journey.steps != d.steps { journey.snapshots = []; journey.decisions = [:] }   // the old record described other steps
            journey.name = d.name; journey.steps = d.steps; journey.windowDays = d.windowDays; journey.status = d.status; journey.updatedMs = nowMs
            journeys.byID[id] = journey
        case .delete(let id):
            journeys.byID[id] = nil
        case .snapshot(let id, let day, let users):
            var journey = journeys.byID[id]!
            journey.snapshots.removeAll { $0.day == day }
            journey.snapshots.append(JourneySnapshot(day: day, users: users))
            journey.snapshots.sort { $0.day < $1.day }
            if journey.snapshots.count > Journeys.keptSnapshots { journey.snapshots.removeFirst(journey.snapshots.count - Journeys.keptSnapshots) }
            journeys.byID[id] = journey
        case .decide(let id, let recommendation, let action, let atMs, let started):
            journeys.byID[id]!.decisions[recommendation] = RecommendationDecision(action: action, atMs: atMs)
            if let started { addImpactAction(started) }
        }
        version &+= 1
    }

    /// The snapshots due at `nowMs`: for each journey, the funnel of every day that ended since
    /// its last snapshot (or its creation), at most the 30 kept, each once. Days missed while
    /// nothing happened are filled in from the data as it stands.
    public func dueJourneySnapshots(nowMs: Int64) -> [JourneyEdit] {
        let yesterday = day(of: nowMs) - 1
        return journeys.byID.values.sorted { $0.id < $1.id }.flatMap { journey -> [JourneyEdit] in
            let first = max(journey.snapshots.last.map { $0.day + 1 } ?? day(of: journey.createdMs), yesterday - DayNumber(Journeys.keptSnapshots) + 1)
            guard first <= yesterday else { return [] }
            return (first...yesterday).map { d in .snapshot(id: journey.id, day: d, users: journeyFunnel(journey, endingOn: d).steps.map(\.users)) }
        }
    }
}
