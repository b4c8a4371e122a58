/// Something in the data a team should look at, raised by a rule (docs/signals.md) and resolved
/// on its own once the rule no longer finds it.
public struct Signal: Sendable, Equatable {
    public enum Severity: String, Sendable, CaseIterable { case critical, warning, info }
    public enum Category: String, Sendable, CaseIterable { case success, product, journey }
    /// `open` until the condition clears (`resolved`), unless dismissed or acted on first.
    public enum Status: String, Sendable, CaseIterable { case open, resolved, dismissed, actioned }

    public var id: Int
    public var rule: SignalRule
    /// What it is about: an account, `journeyID:step`, a nudge id, an event type; "" for the tenant.
    public var subject: String
    public var title: String
    /// The number the rule measured and what it compared it with.
    public var value: Double
    public var baseline: Double
    public var raisedMs: Int64
    public var status: Status
    /// When the rule stopped finding it; nil while it still does.
    public var clearedMs: Int64?
    /// When it was dismissed or acted on, and the action taken.
    public var handledMs: Int64?
    public var actionType: String?

    public var severity: Severity { rule.severity }
    public var category: Category { rule.category }
    public var key: String { Self.key(rule, subject) }
    static func key(_ rule: SignalRule, _ subject: String) -> String { rule.rawValue + ":" + subject }

    public init(id: Int, rule: SignalRule, subject: String, title: String, value: Double, baseline: Double, raisedMs: Int64,
                status: Status = .open, clearedMs: Int64? = nil, handledMs: Int64? = nil, actionType: String? = nil) {
        self.id = id; self.rule = rule; self.subject = subject; self.title = title; self.value = value; self.baseline = baseline
        self.raisedMs = raisedMs; self.status = status; self.clearedMs = clearedMs; self.handledMs = handledMs; self.actionType = actionType
    }
}

/// The rules, each with its severity and category (thresholds in docs/signals.md).
public enum SignalRule: String, Sendable, CaseIterable {
    /// An account red now that was not red 7 days before.
    case accountRed = "account_red"
    /// An account's score 15 points or more below its score 7 days before.
    case accountDrop = "account_drop"
    /// An account with half or less of its prior-half events in the recent half.
    case accountDeclining = "account_declining"
    /// A journey step whose drop-off rose 10 points above its mean of the days before.
    case journeyDropOff = "journey_drop_off"
    /// Today's `page_error` share of events at least twice that of the 7 days before.
    case errorSpike = "error_spike"
    /// A nudge whose click rate among the users first shown it in the last 7 days fell 30% below the 28 days before.
    case nudgeClickRate = "nudge_click_rate"
    /// An event type used by 30% fewer users in the last 7 complete days than the 7 before.
    case adoptionFell = "adoption_fell"

    public var severity: Signal.Severity {
        switch self {
        case .accountRed, .errorSpike: .critical
        case .accountDrop, .accountDeclining, .journeyDropOff, .nudgeClickRate: .warning
        case .adoptionFell: .info
        }
    }

    public var category: Signal.Category {
        switch self {
        case .accountRed, .accountDrop, .accountDeclining: .success
        case .errorSpike, .nudgeClickRate, .adoptionFell: .product
        case .journeyDropOff: .journey
        }
    }
}

/// What one evaluation found: a signal if none is live for its rule and subject.
public struct SignalFinding: Sendable, Equatable {
    public var rule: SignalRule
    public var subject: String
    public var title: String
    public var value: Double
    public var baseline: Double
    var key: String { Signal.key(rule, subject) }
}

/// Every signal raised, and for each rule and subject the one still live (its condition not yet
/// cleared), so a finding raises at most one signal until it clears.
public struct Signals: Sendable, Equatable {
    public package(set) var byID: [Int: Signal] = [:]
    public package(set) var nextID = 1
    public package(set) var liveByKey: [String: Int] = [:]

    public init() {}

    package init(byID: [Int: Signal], nextID: Int) {
        self.byID = byID; self.nextID = nextID
        for s in byID.values where s.clearedMs == nil { liveByKey[s.key] = s.id }
    }

    /// Signals kept: the newest this many (older resolved ones go first).
    public static let kept = 10_000
}
