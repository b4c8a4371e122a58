/// The pipeline's sources and lookups served from one tenant's state (an immutable view, off
/// the actor). Pages, features, product areas and guide categories are those defined by rules,
/// and every untagged page path is a page of its own.
public final class TenantPipelineData: PipelineData {
    let state: TenantState
    var calendar: TenantCalendar
    /// Every account each user sent events under, built on first use.
    lazy var accountsOfUser: [UInt32: [UInt32]] = {
        var map: [UInt32: [UInt32]] = [:]
        for (a, members) in state.accounts.users.enumerated() {
            for u in members.members { map[state.users.canonical(u), default: []].append(UInt32(a)) }
        }
        return map
    }()

    /// Each user's canonical id (merges followed), as one dense array: a scan reads it for every
    /// event, and it stays in cache where the user summaries do not.
    lazy var canonicalUsers: [UInt32] = (0..<UInt32(state.users.count)).map { state.users.canonical($0) }
    /// The same with bit 31 set for an anonymous one, so a scan that also asks "identified?"
    /// reads one word per event.
    lazy var canonicalFlaggedUsers: [UInt32] = canonicalUsers.map { u in u | (state.users[u].isAnonymous ? Self.anonymousFlag : 0) }
    static let anonymousFlag: UInt32 = 1 << 31
    static let userMask: UInt32 = anonymousFlag - 1

    /// The defined pages applied to every path seen, built on first use.
    lazy var pageTags = PageTags(state)
    /// Which app each event is in, built on first use.
    lazy var apps = AppTags(state)

    /// Per item (`kind:id`), each visitor's last use and use count, built on first use.
    var itemUseCache: [String: [UInt32: (last: Int64, count: Int)]] = [:]

    /// Whether sources may take the fast paths (tests turn them off to compare).
    public var allowsFusedPaths = true

    public init(state: TenantState) {
        self.state = state
        self.calendar = state.calendar
    }

    /// The expression environment for this tenant: its zone, and identified = not anonymous.
    public func environment(nowMs: Int64) -> PipelineEnvironment {
        let state = self.state
        var environment = PipelineEnvironment(nowMs: nowMs, calendar: state.calendar) { id in
            guard let u = state.userIndex(id) else { return false }
            return !state.users[u.rawValue].isAnonymous
        }
        environment.apps = apps.all
        return environment
    }

    public func rows(_ source: PipelineSource, _ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow] {
        // Beacon has no exclude list: the excluded rows only are none. An app with no events has
        // no rows; event sources read only the apps asked for, and guides are the default app's.
        guard source.blacklist != .only, !source.apps.isDisjoint(with: apps.all) else { return [] }
        switch source.kind {
        case .events, .pageEvents, .featureEvents, .trackEvents: return try groupedEvents(source, &budget)
        case .features: return featureRows(source.objectIDs)
        case .groups: return groupRows(source)
        case .doNotProcessVisitors: return doNotProcessRows(.visitor, idKey: "visitorId")
        case .doNotProcessAccounts: return doNotProcessRows(.account, idKey: "accountId")
        case .visitors: return try visitorRows(since: source.sinceMs, &budget)
        case .accounts: return try accountRows(&budget)
        case .pages: return pageRows(source.objectIDs)
        case .trackTypes: return trackTypeRows(source.objectIDs)
        case .apps: return appRows()
        case .guides: return guideRows(source.objectIDs)
        case .segments: return segmentRows(source.objectIDs)
        case .guideEvents: return source.readsDefaultApp ? try guideEventRows(source, &budget) : []
        case .guidesSeen, .guidesSeenEver: return source.readsDefaultApp ? try guidesSeenRows(source, &budget) : []
        case .pollEvents: return source.readsDefaultApp ? try pollEventRows(source, &budget) : []
        case .pollsSeen, .pollsSeenEver: return source.readsDefaultApp ? try pollsSeenRows(source, &budget) : []
        case .emailEvents, .vocItems, .votes:
            throw PipelineError(.notSupported, stage: budget.stage, field: "source.\(source.kind.rawValue)",
                                "\(source.kind.rawValue) is not supported: Beacon sends no email and has no Feedback or Listen")
        }
    }

    /// The rows of an object source (pages, features, track types, guides, segments) narrowed to
    /// `ids`: what the REST lists of those objects answer, so they and the pipeline agree.
    public func objects(_ kind: PipelineSource.Kind, ids: [String]?) -> [PipelineRow] {
        switch kind {
        case .pages: pageRows(ids)
        case .features: featureRows(ids)
        case .trackTypes: trackTypeRows(ids)
        case .guides: guideRows(ids)
        case .segments: segmentRows(ids)
        default: []
        }
    }

    public func lookup(_ kind: PipelineStage.Lookup.Kind, id: String) -> PipelineValue {
        switch kind {
        case .visitor:
            guard let u = state.userIndex(id), state.users.hasEvents(u.rawValue) else { return .null }
            return Self.withGroupsOnTop(visitorObject(u.rawValue))
        case .account:
            guard let a = state.accountIndex(id), state.accounts[a].eventCount > 0 else { return .null }
            return Self.withGroupsOnTop(accountObject(a))
        case .page: return pageRows([id]).first.map(PipelineValue.object) ?? .null
        case .trackType: return trackTypeRows([id]).first.map(PipelineValue.object) ?? .null
        case .guide: return guideRows([id]).first.map(PipelineValue.object) ?? .null
        case .feature: return featureRows([id]).first.map(PipelineValue.object) ?? .null
        }
    }

    /// A looked-up object carries its metadata groups under `metadata` and at its top level too,
    /// since the seed's NPS example reads `account.auto.id` after `bulkExpand`.
    static func withGroupsOnTop(_ row: PipelineRow) -> PipelineValue {
        var out = row
        if let groups = row["metadata"]?.object { out.merge(groups) { own, _ in own } }
        return .object(out)
    }

    public func segmentMembership(_ id: String) -> ((String) -> Bool)? {
        guard let n = Int(id), let segment = state.segments.byID[n] else { return nil }
        let state = self.state
        return { visitor in state.userIndex(visitor).map { segment.members.contains($0.rawValue) } ?? false }
    }
}
