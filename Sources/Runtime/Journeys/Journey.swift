/// A product journey: 2–8 ordered steps a user should complete within a window, with a daily
/// record of its funnel and what was done about its recommendations.
public struct Journey: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case active, paused }

    public var id: Int
    public var name: String
    public var steps: [JourneyStep]
    public var windowDays: Int
    public var status: Status
    public var createdMs: Int64
    public var updatedMs: Int64
    /// The funnel as it stood at each of the last 30 midnights (tenant time zone), oldest first.
    public package(set) var snapshots: [JourneySnapshot] = []
    /// Recommendations acted on or dismissed, by recommendation id.
    public package(set) var decisions: [String: RecommendationDecision] = [:]

    package init(id: Int, name: String, steps: [JourneyStep], windowDays: Int, status: Status, createdMs: Int64, updatedMs: Int64) {
        self.id = id; self.name = name; self.steps = steps; self.windowDays = windowDays; self.status = status
        self.createdMs = createdMs; self.updatedMs = updatedMs
    }
}

public struct JourneyStep: Sendable, Equatable {
    public var eventType: String
    public var label: String
    public init(eventType: String, label: String) { self.eventType = eventType; self.label = label }
}

public struct JourneySnapshot: Sendable, Equatable {
    /// The day that had just ended.
    public var day: DayNumber
    /// Users at each step over the 30 days ending that day.
    public var users: [Int]

    package init(day: DayNumber, users: [Int]) { self.day = day; self.users = users }
}

public struct RecommendationDecision: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable { case act, dismiss }
    public var action: Action
    public var atMs: Int64

    package init(action: Action, atMs: Int64) { self.action = action; self.atMs = atMs }
}

public struct JourneyDefinition: Sendable, Equatable {
    public var name: String
    public var steps: [JourneyStep]
    public var windowDays: Int
    public var status: Journey.Status

    public init(name: String, steps: [JourneyStep], windowDays: Int = 7, status: Journey.Status = .active) {
        self.name = name; self.steps = steps; self.windowDays = windowDays; self.status = status
    }
}

public struct Journeys: Sendable, Equatable {
    public package(set) var byID: [Int: Journey] = [:]
    public package(set) var nextID = 1
    public static let keptSnapshots = 30
    public init() {}
}
