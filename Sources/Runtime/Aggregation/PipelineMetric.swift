/// The seed's product-engagement stages (`pes`, `adoption`, `growth`, `stickiness`), which stand
/// in for a source (docs/pendo.md, "Engagement stages"). The seed shows their parameters but not
/// their answers; Beacon's reading is in the docs.
public struct PipelineMetric: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case pes, adoption, growth, stickiness }
    public enum UserBase: String, Sendable { case visitors, accounts }
    /// `stickiness`' numerator and denominator: active users per day, week or month.
    public enum Span: String, Sendable {
        case daily, weekly, monthly
        public var days: Int { switch self { case .daily: 1; case .weekly: 7; case .monthly: 30 } }
    }
    /// An adoption core event: a page, feature or track type, by id.
    public struct CoreEvent: Sendable, Equatable {
        public enum Kind: String, Sendable { case page, feature, trackEvent }
        public var kind: Kind
        public var id: String
    }

    public var kind: Kind
    /// The days, first to last, in the tenant's calendar.
    public var firstDay: DayNumber
    public var lastDay: DayNumber
    /// Only this account's visitors.
    public var account: String?
    /// One answer row per account instead of one for all.
    public var groupByAccount = false
    /// Only identified visitors.
    public var identifiedOnly = false
    public var segment: String?
    public var adoptionBase: UserBase = .visitors
    public var growthBase: UserBase = .visitors
    public var stickinessBase: UserBase = .visitors
    public var coreEvents: [CoreEvent] = []
    /// Product areas whose pages and features join the core events.
    public var productAreaIDs: [String] = []
    public var numerator: Span = .daily
    public var denominator: Span = .monthly
    public var excludeWeekends = false

    public init(kind: Kind, firstDay: DayNumber, lastDay: DayNumber) {
        self.kind = kind; self.firstDay = firstDay; self.lastDay = lastDay
    }
}
