/// A pipeline's `source` stage, parsed (docs/pendo.md, "Sources"): which rows, over which
/// periods, with the seed's optional parameters.
public struct PipelineSource: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case events, pageEvents, featureEvents, trackEvents
        case guideEvents, guidesSeen, guidesSeenEver, pollEvents, pollsSeen, pollsSeenEver, emailEvents
        case visitors, accounts, doNotProcessVisitors, doNotProcessAccounts
        case pages, features, trackTypes, guides, groups, apps, segments
        case vocItems, votes

        /// Sources whose rows are events over a `timeSeries`.
        public var needsTimeSeries: Bool {
            switch self {
            case .events, .pageEvents, .featureEvents, .trackEvents, .guideEvents, .guidesSeen, .pollEvents, .pollsSeen, .emailEvents: true
            default: false
            }
        }

        /// The object-id parameters the source takes (`pageId`/`pageIds`, …).
        var idParameters: [String] {
            switch self {
            case .pageEvents: ["pageId", "pageIds"]
            case .featureEvents: ["featureId", "featureIds"]
            case .trackEvents: ["trackTypeId", "trackTypeIds"]
            case .pages: ["pageId"]
            case .features: ["featureId"]
            case .trackTypes: ["trackTypeId"]
            case .segments: ["segmentId"]
            case .guideEvents, .guidesSeen, .guidesSeenEver, .pollEvents, .pollsSeen, .pollsSeenEver: ["guideId"]
            default: []
            }
        }

        /// Every parameter the source accepts (beside `timeSeries`).
        var parameters: Set<String> {
            var names = Set(idParameters)
            switch self {
            case .events, .pageEvents, .featureEvents, .trackEvents: names.formUnion(["appId", "blacklist"])
            case .guideEvents, .guidesSeen, .guidesSeenEver: names.formUnion(["appId", "blacklist", "guideStepId"])
            case .pollEvents, .pollsSeen, .pollsSeenEver: names.formUnion(["appId", "blacklist", "pollId"])
            case .emailEvents: names.formUnion(["appId", "blacklist", "targetType", "targetId", "eventType"])
            case .visitors, .doNotProcessVisitors: names.insert("since")
            case .accounts, .doNotProcessAccounts: names.formUnion(["includeParents", "includeChildren"])
            case .pages, .features, .trackTypes, .guides: names.insert("appId")
            case .groups: names.formUnion(["items", "groupType"])
            case .apps, .vocItems, .votes, .segments: break
            }
            return names
        }
    }

    /// The `blacklist` parameter: Beacon has no exclude list, so `apply` and `ignore` read every
    /// row and `only` reads none.
    public enum Blacklist: String, Sendable { case apply, ignore, only }

    /// The periods a `timeSeries` covers: `count` periods of `period` from the one starting at `firstMs`.
    public struct TimeSeries: Sendable, Equatable {
        public var period: PipelinePeriod
        public var firstMs: Int64
        /// The end of the last period (exclusive).
        public var endMs: Int64
        public var count: Int
    }

    public var kind: Kind
    public var timeSeries: TimeSeries?
    /// The apps asked for; nil for the default app.
    public var appIDs: [Int]?
    public var blacklist: Blacklist = .apply
    /// The object ids asked for (`pageId`, `trackTypeIds`, `guideId`, …); nil for all.
    public var objectIDs: [String]?
    /// `guideStepId` or `pollId`.
    public var subID: String?
    /// `visitors`' `since`: only visitors seen at or after it.
    public var sinceMs: Int64?
    /// `groups`' `items` and `groupType`.
    public var groupItems = false
    public var groupType = "group"

    public init(kind: Kind) { self.kind = kind }

    /// Whether the source reads Beacon's one app.
    public var readsDefaultApp: Bool { appIDs.map { $0.contains(PipelineEnvironment.appID) } ?? true }

    /// The apps whose events the source reads: those `appId` names, or the default app when it
    /// names none (the seed: sources load only the default app when `appId` is left out).
    public var apps: Set<Int> { Set(appIDs ?? [PipelineEnvironment.appID]) }
}
