/// Something done about a signal, with the number it aims to move and that number then; after its
/// window the data says whether it worked (docs/impact.md), unless someone says so first.
public struct ImpactAction: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable { case pending, resolved, unresolved }
    public enum Source: String, Sendable, CaseIterable { case signal, journeyRecommendation = "journey_recommendation", nudge }

    public var id: Int
    public var source: Source
    /// The signal's id, `journey:recommendation`, or the nudge's id.
    public var sourceRef: String
    public var actionType: String
    /// Who did it (the API key's member).
    public var member: String
    public var metric: ImpactMetric
    /// The metric when the action was taken.
    public var baseline: Double
    public var windowDays: Int
    public var createdMs: Int64
    public var outcome: Outcome = .pending
    /// The metric when the outcome was set, and when.
    public var outcomeValue: Double?
    public var outcomeMs: Int64?
    /// Set by hand (`PUT /api/impact/actions/:id`) rather than by the data.
    public var manual = false

    public static let defaultWindowDays = 14

    public var dueMs: Int64 { createdMs + Int64(windowDays) * TenantCalendar.dayMs }

    public init(id: Int, source: Source, sourceRef: String, actionType: String, member: String, metric: ImpactMetric, baseline: Double,
                windowDays: Int = ImpactAction.defaultWindowDays, createdMs: Int64, outcome: Outcome = .pending, outcomeValue: Double? = nil,
                outcomeMs: Int64? = nil, manual: Bool = false) {
        self.id = id; self.source = source; self.sourceRef = sourceRef; self.actionType = actionType; self.member = member
        self.metric = metric; self.baseline = baseline; self.windowDays = windowDays; self.createdMs = createdMs
        self.outcome = outcome; self.outcomeValue = outcomeValue; self.outcomeMs = outcomeMs; self.manual = manual
    }
}

/// The number an action aims to move: the one its signal's rule measured, for its subject.
public struct ImpactMetric: Sendable, Equatable {
    public var rule: SignalRule
    public var subject: String

    public init(rule: SignalRule, subject: String) { self.rule = rule; self.subject = subject }

    /// Whether a higher value is better (a score, users, a click rate) or a lower one (an error share, a drop-off).
    public var higherIsBetter: Bool {
        switch rule {
        case .accountRed, .accountDrop, .accountDeclining, .nudgeClickRate, .adoptionFell: true
        case .errorSpike, .journeyDropOff: false
        }
    }

    public var name: String {
        switch rule {
        case .accountRed, .accountDrop: "health score of \(subject)"
        case .accountDeclining: "events in the last 14 days of \(subject)"
        case .journeyDropOff: "drop-off at journey step \(subject)"
        case .errorSpike: "share of today's events that are \(subject)"
        case .nudgeClickRate: "click rate of nudge \(subject)"
        case .adoptionFell: "users of \(subject) in the last 7 days"
        }
    }
}

public struct ImpactActions: Sendable, Equatable {
    public package(set) var byID: [Int: ImpactAction] = [:]
    public package(set) var nextID = 1

    public init() {}
    package init(byID: [Int: ImpactAction], nextID: Int) { self.byID = byID; self.nextID = nextID }
}

/// One change to the actions, as logged in the WAL (an action is created with its signal's `act`).
public enum ImpactEdit: Sendable, Equatable {
    case outcome(id: Int, resolved: Bool, value: Double?, atMs: Int64, manual: Bool)
}

public enum ImpactEditRefusal: Error, Sendable, Equatable {
    case unknownAction(Int)
    /// The data already decided it.
    case alreadyDecided(Int)
}
