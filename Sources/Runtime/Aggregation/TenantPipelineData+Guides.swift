/// Guides are nudges (one step each, its id the nudge's): `guideEvents` are their tracked
/// impressions, clicks and dismisses, `guidesSeen` each visitor's summary per guide. Polls are
/// answered through track events of type `pollResponse` (or `poll_response`) carrying `guideId`,
/// `pollId` and `response` properties (docs/pendo.md, "Guides and polls").
extension TenantPipelineData {
    static let pollResponseTypes = ["pollResponse", "poll_response"]

    func visitorFields(_ u: UInt32) -> (id: PipelineValue, account: PipelineValue, accounts: PipelineValue) {
        let summary = state.users[u]
        let account = summary.account == AccountIndex.none.rawValue ? PipelineValue.null : name(summary.account, in: state.accountNames)
        return (.string(state.userNames.string(u)), account, .list((accountsOfUser[u] ?? []).map { name($0, in: state.accountNames) }))
    }

    /// The nudges a guide source reads: those `guideId` names, and none when `guideStepId` is not the guide's one step.
    func guides(_ source: PipelineSource) -> [Nudge] {
        state.nudges.byID.keys.sorted().compactMap { id in
            let key = String(id)
            if let ids = source.objectIDs, !ids.contains(key) { return nil }
            if let step = source.subID, step != key { return nil }
            return state.nudges.byID[id]
        }
    }

    static func guideEventType(_ action: NudgeEdit.TrackedAction) -> String {
        switch action {
        case .impression: "guideSeen"
        case .click: "guideActivity"
        case .dismiss: "guideDismissed"
        }
    }

    func guideEventRows(_ source: PipelineSource, _ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow] {
        let range = source.timeSeries.map { $0.firstMs..<$0.endMs } ?? Int64.min..<Int64.max
        var rows: [PipelineRow] = []
        for nudge in guides(source) {
            let guide = PipelineValue.string(String(nudge.id))
            for (n, event) in nudge.history.enumerated() where range.contains(event.atMs) {
                try budget.tick()
                let visitor = visitorFields(state.users.canonical(event.user))
                var row: PipelineRow = ["visitorId": visitor.id, "accountId": visitor.account, "accountIds": visitor.accounts,
                                        "appId": PipelineValue(PipelineEnvironment.appID), "browserTime": PipelineValue(event.atMs),
                                        "type": .string(Self.guideEventType(event.action)), "guideId": guide, "guideStepId": guide,
                                        "eventId": .string("\(nudge.id)-\(n)"), "guideSeenReason": .string("auto")]
                if event.action == .click {
                    row["uiElementId"] = .string("button"); row["uiElementType"] = .string("BUTTON")
                    row["uiElementText"] = PipelineValue(nudge.buttonText); row["uiElementActions"] = .list([.object(["action": .string("click")])])
                }
                rows.append(row)
                try budget.check(rows: rows.count)
            }
        }
        return rows
    }

    /// Per guide and visitor: first and last view, last dismiss and click, and the last state;
    /// with a timeSeries, only visitors whose last view falls in it.
    func guidesSeenRows(_ source: PipelineSource, _ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow] {
        struct Seen { var first = Int64.max, last = Int64.min, dismissed: Int64?, advanced: Int64?, state = "active", count = 0 }
        let range = source.timeSeries.map { $0.firstMs..<$0.endMs }
        var rows: [PipelineRow] = []
        for nudge in guides(source) {
            var seen: [UInt32: Seen] = [:]
            for event in nudge.history {
                try budget.tick()
                let u = state.users.canonical(event.user)
                var s = seen[u] ?? Seen()
                switch event.action {
                case .impression: s.first = min(s.first, event.atMs); s.last = max(s.last, event.atMs); s.count += 1; s.state = "active"
                case .click: s.advanced = event.atMs; s.state = "advanced"
                case .dismiss: s.dismissed = event.atMs; s.state = "dismissed"
                }
                seen[u] = s
            }
            let guide = PipelineValue.string(String(nudge.id))
            for (u, s) in seen.sorted(by: { $0.key < $1.key }) where s.count > 0 {
                if let range, !range.contains(s.last) { continue }
                let visitor = visitorFields(u)
                rows.append(["guideId": guide, "guideStepId": guide, "visitorId": visitor.id, "accountId": visitor.account,
                             "firstSeenAt": PipelineValue(s.first), "lastSeenAt": PipelineValue(s.last), "seenCount": PipelineValue(s.count),
                             "lastDismissedAutoAt": s.dismissed.map(PipelineValue.init) ?? .null,
                             "lastAdvancedAutoAt": s.advanced.map(PipelineValue.init) ?? .null, "lastState": .string(s.state)])
            }
        }
        return rows
    }

    /// A poll answer as the seed shows it: a number when it reads as one, else text.
    static func answer(_ text: String) -> PipelineValue { Double(text).map(PipelineValue.number) ?? .string(text) }

    /// Every poll response in range (or all time): the `pollResponse` track events with a `guideId` and `pollId`.
    func pollResponses(_ source: PipelineSource, _ budget: inout PipelineBudget) throws(PipelineError) -> [(user: UInt32, account: UInt32, ms: Int64, guide: String, poll: String, response: String)] {
        let types = Set(Self.pollResponseTypes.compactMap { state.eventTypeIndex($0)?.rawValue })
        guard !types.isEmpty else { return [] }
        let keys = state.propertySets.keys
        guard let guideKey = keys.lookup("guideId"), let pollKey = keys.lookup("pollId"), let responseKey = keys.lookup("response") else { return [] }
        let range = source.timeSeries.map { $0.firstMs..<$0.endMs } ?? Int64.min..<Int64.max
        var out: [(user: UInt32, account: UInt32, ms: Int64, guide: String, poll: String, response: String)] = []
        for chunk in state.log.sealed.map(\.columns) + [state.log.open] where chunk.count > 0 && chunk.maxTimestamp >= range.lowerBound && chunk.minTimestamp < range.upperBound {
            for row in 0..<chunk.count where types.contains(chunk.types[row]) && range.contains(chunk.timestamps[row]) {
                try budget.tick()
                let set = PropertySetIndex(chunk.propertySets[row])
                let values = state.propertySets.values
                guard let g = state.propertySets.value(of: guideKey, in: set), let p = state.propertySets.value(of: pollKey, in: set),
                      let r = state.propertySets.value(of: responseKey, in: set) else { continue }
                let guide = values.string(g), poll = values.string(p)
                if let ids = source.objectIDs, !ids.contains(guide) { continue }
                if let wanted = source.subID, wanted != poll { continue }
                out.append((state.users.canonical(chunk.users[row]), chunk.accounts[row], chunk.timestamps[row], guide, poll, values.string(r)))
            }
        }
        return out.sorted { $0.ms < $1.ms }
    }

    func pollEventRows(_ source: PipelineSource, _ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow] {
        try pollResponses(source, &budget).enumerated().map { n, r in
            let visitor = visitorFields(r.user)
            let answer = Self.answer(r.response)
            return ["visitorId": visitor.id, "accountId": r.account == AccountIndex.none.rawValue ? visitor.account : name(r.account, in: state.accountNames),
                    "accountIds": visitor.accounts, "appId": PipelineValue(PipelineEnvironment.appID), "browserTime": PipelineValue(r.ms),
                    "guideTimestamp": PipelineValue(r.ms), "type": .string("pollResponse"), "guideId": .string(r.guide), "guideStepId": .string(r.guide),
                    "pollId": .string(r.poll), "pollResponse": answer, "response": answer, "eventId": .string("poll-\(n)")]
        }
    }

    /// Each visitor's latest response per poll; with a timeSeries, only those made in it. The
    /// seed's NPS example reads `response`, its table `pollResponse`: rows carry both.
    func pollsSeenRows(_ source: PipelineSource, _ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow] {
        var allTime = source
        allTime.timeSeries = nil
        var latest: [String: (user: UInt32, account: UInt32, ms: Int64, guide: String, poll: String, response: String)] = [:]
        var order: [String] = []
        for r in try pollResponses(allTime, &budget) {
            let key = "\(r.guide)\u{0}\(r.poll)\u{0}\(r.user)"
            if latest[key] == nil { order.append(key) }
            latest[key] = r
        }
        let range = source.timeSeries.map { $0.firstMs..<$0.endMs }
        return order.compactMap { key in
            let r = latest[key]!
            if let range, !range.contains(r.ms) { return nil }
            let visitor = visitorFields(r.user)
            let answer = Self.answer(r.response)
            return ["time": PipelineValue(r.ms), "guideId": .string(r.guide), "pollId": .string(r.poll), "visitorId": visitor.id,
                    "accountId": r.account == AccountIndex.none.rawValue ? visitor.account : name(r.account, in: state.accountNames),
                    "pollResponse": answer, "response": answer]
        }
    }
}
