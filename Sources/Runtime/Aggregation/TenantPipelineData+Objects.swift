/// The object sources: visitors, accounts, pages, features, groups, track types and guides, in the seed's shapes.
extension TenantPipelineData {
    func name(_ value: UInt32, in interner: ByteInterner) -> PipelineValue { .string(interner.string(value)) }

    /// A visitor's row: `visitorId`, `id`, and `metadata` with `auto` (derived), `agent` (the
    /// latest event's properties) and `custom` (set through the API).
    func visitorObject(_ u: UInt32) -> PipelineRow {
        let summary = state.users[u]
        let id = state.userNames.string(u)
        let custom = state.profiles.user(u).properties
        var agent = state.propertySets.decoded(PropertySetIndex(summary.latestProperties))
        for key in custom.keys { agent[key] = nil }
        let accounts = (accountsOfUser[u] ?? []).map { name($0, in: state.accountNames) }
        var auto: PipelineRow = ["id": .string(id), "firstvisit": PipelineValue(summary.firstSeen), "lastvisit": PipelineValue(summary.lastSeen),
                                 "lastupdated": PipelineValue(summary.lastSeen), "idhash": PipelineValue(PendoIDs.idHash(id)),
                                 "accountIds": .list(accounts), "accountids": .list(accounts)]
        auto["accountId"] = summary.account == AccountIndex.none.rawValue ? .null : name(summary.account, in: state.accountNames)
        auto["lastbrowsername"] = PipelineValue(agent["browser"])
        auto["lastbrowserversion"] = PipelineValue(agent["browser_version"])
        return ["visitorId": .string(id), "id": .string(id), "accountIds": .list(accounts),
                "metadata": .object(["auto": .object(auto), "agent": Self.texts(agent), "custom": Self.texts(custom), "pendo": flags(.visitor, id)])]
    }

    /// The `pendo` group: the Do Not Process and guide opt-out flags.
    func flags(_ kind: Metadata.Kind, _ id: String) -> PipelineValue {
        .object(Dictionary(uniqueKeysWithValues: Metadata.Flag.allCases.map { ($0.rawValue, PipelineValue.bool(state.metadata.isFlagged($0, kind, id))) }))
    }

    static func texts(_ properties: [String: String]) -> PipelineValue { .object(properties.mapValues(PipelineValue.string)) }

    func visitorRows(since: Int64?, _ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow] {
        var rows: [PipelineRow] = []
        for (i, summary) in state.users.summaries.enumerated() where summary.isKnown(id: i) {
            try budget.tick()
            if let since, summary.lastSeen < since { continue }
            rows.append(visitorObject(UInt32(i)))
            try budget.check(rows: rows.count)
        }
        return rows
    }

    func accountObject(_ a: AccountIndex) -> PipelineRow {
        let summary = state.accounts[a]
        let id = state.accountNames.string(a.rawValue)
        let auto: PipelineRow = ["id": .string(id), "firstvisit": PipelineValue(summary.firstSeen), "lastvisit": PipelineValue(summary.lastSeen),
                                 "lastupdated": PipelineValue(summary.lastSeen), "idhash": PipelineValue(PendoIDs.idHash(id))]
        return ["accountId": .string(id), "id": .string(id),
                "metadata": .object(["auto": .object(auto), "custom": Self.texts(state.profiles.account(a).properties), "pendo": flags(.account, id)])]
    }

    func accountRows(_ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow] {
        var rows: [PipelineRow] = []
        for (i, summary) in state.accounts.summaries.enumerated() where summary.eventCount > 0 {
            try budget.tick()
            rows.append(accountObject(AccountIndex(UInt32(i))))
        }
        return rows
    }

    /// The common fields of Pendo's versioned objects, with Beacon as their author.
    static func common(id: String, name: String, kind: String, firstMs: Int64, lastMs: Int64) -> PipelineRow {
        let author = PipelineValue.object(["id": .string("beacon"), "username": .string("beacon")])
        return ["id": .string(id), "name": .string(name), "kind": .string(kind), "appId": PipelineValue(PipelineEnvironment.appID),
                "createdByUser": author, "createdAt": PipelineValue(firstMs), "lastUpdatedByUser": author, "lastUpdatedAt": PipelineValue(lastMs),
                "rootVersionId": .string(id), "stableVersionId": .string(id)]
    }

    /// Pages: the defined pages, then every untagged page path with page views (its id the
    /// FNV-1a of the path); `ids` takes ids, or an untagged page's path.
    func pageRows(_ ids: [String]?) -> [PipelineRow] {
        let wanted = ids.map(Set.init)
        let tags = pageTags
        var rows: [PipelineRow] = tags.defined.compactMap { page in
            if let wanted, !wanted.contains(page.id) { return nil }
            var row = Self.common(id: page.id, name: page.name, kind: "Page", firstMs: page.createdMs, lastMs: page.updatedMs)
            row["rules"] = .list(page.rules.map { .object(["rule": .string($0.source), "designerHint": .string($0.source)]) })
            row["isTagged"] = .bool(true)
            return row
        }
        guard !state.days.isEmpty else { return rows }
        var span: [Int: (first: DayNumber, last: DayNumber)] = [:]
        for d in state.days.firstDay...state.days.lastDay {
            guard let index = state.days[d] else { continue }
            for (p, n) in index.pageCounts.enumerated() where n > 0 && p < tags.perPath.count && !tags.isDefined(tags.perPath[p][0]) {
                span[p] = (span[p]?.first ?? d, d)
            }
        }
        for p in span.keys.sorted() {
            let path = tags.paths[p]
            let id = PendoIDs.objectID(path)
            if let wanted, !wanted.contains(id), !wanted.contains(path) { continue }
            var row = Self.common(id: id, name: path, kind: "Page", firstMs: calendar.startMs(of: span[p]!.first), lastMs: calendar.startMs(of: span[p]!.last))
            row["rules"] = .list([.object(["rule": .string("//*" + path), "designerHint": .string(path)])])
            row["isTagged"] = .bool(false)
            rows.append(row)
        }
        return rows
    }

    /// Features: the defined ones, with their rules as Beacon keeps them.
    func featureRows(_ ids: [String]?) -> [PipelineRow] {
        let wanted = ids.map(Set.init)
        return state.tagging.features.keys.sorted().compactMap { id in
            let feature = state.tagging.features[id]!
            if let wanted, !wanted.contains(id) { return nil }
            var row = Self.common(id: id, name: feature.name, kind: "Feature", firstMs: feature.createdMs, lastMs: feature.updatedMs)
            row["eventTypes"] = .list(feature.readTypes.map(PipelineValue.string))
            row["elementPathRules"] = .list(feature.selectors.map { .string($0.source) })
            row["elementText"] = feature.text.map(PipelineValue.string) ?? .null
            row["properties"] = Self.texts(feature.properties)
            row["pageId"] = feature.pageID.map(PipelineValue.string) ?? .null
            return row
        }
    }

    /// Groups: product areas (`groupType` `group`) or guide categories, `items` only when asked.
    func groupRows(_ source: PipelineSource) -> [PipelineRow] { groupRows(type: source.groupType, items: source.groupItems, ids: source.objectIDs) }

    public func groupRows(type: String, items: Bool, ids: [String]?) -> [PipelineRow] {
        let wanted = ids.map(Set.init)
        return state.tagging.groups.keys.sorted().compactMap { id in
            let group = state.tagging.groups[id]!
            guard group.type.rawValue == type, wanted?.contains(id) ?? true else { return nil }
            var row = Self.common(id: id, name: group.name, kind: "Group", firstMs: group.createdMs, lastMs: group.updatedMs)
            row["description"] = .string(group.description)
            row["color"] = .string(group.color)
            row["length"] = PipelineValue(group.items.count)
            row["groupType"] = .string(group.type.rawValue)
            if items { row["items"] = .list(group.items.map { .object(["itemType": .string($0.type.rawValue), "itemId": .string($0.id)]) }) }
            return row
        }
    }

    /// Track types: every event type with events but page views and clicks.
    func trackTypeRows(_ ids: [String]?) -> [PipelineRow] {
        let wanted = ids.map(Set.init)
        return state.eventTypeSpans().filter { !PendoIDs.notTrackTypes.contains($0.name) }.compactMap { span in
            let id = PendoIDs.objectID(span.name)
            if let wanted, !wanted.contains(id), !wanted.contains(span.name) { return nil }
            var row = Self.common(id: id, name: span.name, kind: "TrackType", firstMs: calendar.startMs(of: span.firstDay), lastMs: calendar.startMs(of: span.lastDay))
            row["trackTypeName"] = .string(span.name)
            return row
        }
    }

    /// Segments: every segment (all are shared), its id in decimal; the members as of the last refresh.
    func segmentRows(_ ids: [String]?) -> [PipelineRow] {
        let wanted = ids.map(Set.init)
        return state.segments.byID.keys.sorted().compactMap { id in
            let segment = state.segments.byID[id]!
            if let wanted, !wanted.contains(String(id)) { return nil }
            var row = Self.common(id: String(id), name: segment.name, kind: "Segment", firstMs: segment.createdMs, lastMs: segment.updatedMs)
            row["shared"] = .bool(true)
            row["apiSegment"] = .bool(segment.visitorList != nil)
            row["visitorCount"] = PipelineValue(segment.members.count)
            return row
        }
    }

    /// A poll nudge's one poll, its id the guide's: a number scale when every choice is a whole
    /// number, else a pick list.
    static func poll(_ nudge: Nudge) -> PipelineValue {
        let numbers = nudge.choices.compactMap { Int($0) }
        let numeric = numbers.count == nudge.choices.count
        return .object(["id": .string(String(nudge.id)), "question": .string(nudge.title), "idResponses": .list(nudge.choices.map(PipelineValue.string)),
                        "numericResponses": .list(numeric ? numbers.map { PipelineValue($0) } : []),
                        "attributes": .object(["type": .string(numeric ? "NumberScale" : "PickList")])])
    }

    /// Guides: the nudges, their id in decimal.
    func guideRows(_ ids: [String]?) -> [PipelineRow] {
        let wanted = ids.map(Set.init)
        return state.nudges.byID.keys.sorted().compactMap { n in
            let nudge = state.nudges.byID[n]!
            if let wanted, !wanted.contains(String(n)) { return nil }
            var row = Self.common(id: String(n), name: nudge.title, kind: "Guide", firstMs: nudge.createdMs, lastMs: nudge.updatedMs)
            row["state"] = .string(PendoIDs.guideState(nudge.status))
            row["steps"] = .list([.object(["id": .string(String(n)), "guideId": .string(String(n)), "type": .string(nudge.kind.rawValue),
                                           "lastUpdatedAt": PipelineValue(nudge.updatedMs)])])
            row["polls"] = nudge.kind == .poll ? .list([Self.poll(nudge)]) : .list([])
            row["audienceUiHint"] = .object(["segmentId": nudge.targetSegment.map { .string(String($0)) } ?? .null])
            return row
        }
    }
}
