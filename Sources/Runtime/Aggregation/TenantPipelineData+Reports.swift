/// Reports as the Pendo-compatible API lists them (docs/pendo.md, Reports). Beacon has no report
/// builder, so its reports are the List reports its data defines: every visitor, every account,
/// and one visitor list per segment. Their rows are what a List report's default columns show.
public struct PendoReport: Sendable, Equatable {
    public enum Kind: String, Sendable { case visitor, account }
    public var id: String
    public var name: String
    public var kind: Kind
    /// The segment whose members the report lists; nil: everyone.
    public var segment: Int?
    public var createdMs: Int64
    public var updatedMs: Int64
}

extension TenantPipelineData {
    public static let allVisitorsReport = "visitors"
    public static let allAccountsReport = "accounts"

    public func reports() -> [PendoReport] {
        let first = state.users.summaries.lazy.filter { $0.eventCount > 0 }.map(\.firstSeen).min() ?? 0
        let last = state.newestTimestampMs ?? first
        var out = [PendoReport(id: Self.allVisitorsReport, name: "All visitors", kind: .visitor, segment: nil, createdMs: first, updatedMs: last),
                   PendoReport(id: Self.allAccountsReport, name: "All accounts", kind: .account, segment: nil, createdMs: first, updatedMs: last)]
        for id in state.segments.byID.keys.sorted() {
            let s = state.segments.byID[id]!
            out.append(PendoReport(id: "segment-\(id)", name: "Visitors in \(s.name)", kind: .visitor, segment: id, createdMs: s.createdMs, updatedMs: s.updatedMs))
        }
        return out
    }

    /// The report's rows, in id order; nil for an unknown report. Visitors: `visitorId`,
    /// `accountId`, `firstVisit`, `lastVisit`, `numEvents`; accounts: `accountId`, `firstVisit`,
    /// `lastVisit`, `numVisitors`, `numEvents`.
    public func reportRows(_ id: String, _ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow]? {
        guard let report = reports().first(where: { $0.id == id }) else { return nil }
        var rows: [PipelineRow] = []
        switch report.kind {
        case .visitor:
            let members = report.segment.flatMap { state.segments.byID[$0]?.members }
            let ids: [UInt32] = members?.members ?? state.users.summaries.indices.filter { state.users.summaries[$0].isKnown(id: $0) }.map(UInt32.init)
            for u in ids {
                try budget.tick()
                let s = state.users[u]
                guard s.eventCount > 0 else { continue }
                rows.append(["visitorId": .string(state.userNames.string(u)),
                             "accountId": s.account == AccountIndex.none.rawValue ? .null : .string(state.accountNames.string(s.account)),
                             "firstVisit": PipelineValue(s.firstSeen), "lastVisit": PipelineValue(s.lastSeen), "numEvents": PipelineValue(Int(s.eventCount))])
            }
        case .account:
            for (a, s) in state.accounts.summaries.enumerated() where s.eventCount > 0 {
                try budget.tick()
                rows.append(["accountId": .string(state.accountNames.string(UInt32(a))), "firstVisit": PipelineValue(s.firstSeen),
                             "lastVisit": PipelineValue(s.lastSeen), "numVisitors": PipelineValue(state.accounts.users[a].count),
                             "numEvents": PipelineValue(Int(s.eventCount))])
            }
        }
        try budget.check(rows: rows.count)
        return rows
    }
}
