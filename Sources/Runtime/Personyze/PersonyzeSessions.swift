/// `sessions_archive` (docs/personyze.md, "Reports"): one row per session of the session index
/// (runs of a user's events with no gap over 30 minutes). Counters come from one pass over the
/// session's events; location, device, landing page and campaign from its first event's
/// properties (or its User-Agent). `first_visit_id` is `user_id × 1,000,000 + n`, n the session's
/// number in the user's history.
public enum PersonyzeSessions {
    public static let indexed: Set<String> = ["first_visit_id", "user_id", "session_start_time"]
    static let idBase: Int64 = 1_000_000

    /// Columns read from the first event's properties: the Beacon property each comes from.
    static let detailColumns: [(column: String, property: String)] = [
        ("country_code", "country"), ("region_code", "region"), ("city", "city"), ("time_zone", "timezone"),
        ("lang_0", "language"), ("screen_width", "screen_width"), ("screen_height", "screen_height"),
        ("browser", "browser"), ("device", "device"), ("os", "os"),
        ("referrer_host_port", "referrer"), ("search_word", "search_term"),
        ("ad_campaign", "utm_campaign"), ("ad_source", "utm_source"), ("ad_medium", "utm_medium"),
        ("ad_term", "utm_term"), ("ad_content", "utm_content"),
    ]
    static let cheapColumns: Set<String> = ["first_visit_id", "user_id", "session_start_time", "last_session_time", "session_counter",
                                            "total_visits", "time_total", "time_in_focus", "total_n_goals", "total_goal_value", "page_click",
                                            "page_key_up", "page_scroll", "page_right_mouse", "url_path", "n_events"]

    struct Session {
        var user: UInt32
        var number: Int
        var span: SessionIndex.Span
        var pageViews = 0, clicks = 0, goals = 0, events = 0
        var goalValue = 0.0
        var firstProperties: PropertySetIndex = .empty
        var firstMs = Int64.max
        var landing: UInt32 = PageIndex.none.rawValue
        var landingMs = Int64.max
    }

    /// The sessions the query can match (narrowed by user, id or start time), as rows.
    public static func rows(_ state: TenantState, _ query: RowQuery, budget: inout Int) throws(RowQueryTooLarge) -> RowBlock {
        var sessions = candidates(state, query)
        budget -= sessions.count
        if budget < 0 { throw RowQueryTooLarge() }
        count(&sessions, state)
        // Only the columns the query reads are made: a day holds tens of thousands of sessions.
        let wanted = query.columns.map { Set($0).union(query.conditionColumns).union(query.orderBy) }
        let flags = cheapOrder.map { wanted?.contains($0) ?? true }
        let detail = wanted.map { !$0.isSubset(of: cheapColumns) } ?? true
        var names = cheapOrder.indices.filter { flags[$0] }.map { cheapOrder[$0] }
        if detail { names += detailColumns.map(\.column) }
        var block = RowBlock(columns: names, reservingRows: sessions.count)
        var cells: [RowValue] = []
        for s in sessions {
            cells.removeAll(keepingCapacity: true)
            append(s, state, flags: flags, detail: detail, to: &cells)
            block.append(cells)
        }
        return query.select(block)
    }

    static func candidates(_ state: TenantState, _ query: RowQuery) -> [Session] {
        let spans = state.sessionIndex.spans
        func sessions(of u: UInt32, in range: (lo: Double, hi: Double)? = nil) -> [Session] {
            guard Int(u) < spans.count else { return [] }
            let list = spans[Int(u)]
            // Spans are in start order: find the first that starts in the range, read while they do.
            var lo = 0, hi = list.count
            if let range {
                while lo < hi { let mid = (lo + hi) / 2; if Double(list[mid].startMs / 1000) < range.lo { lo = mid + 1 } else { hi = mid } }
            }
            var out: [Session] = []
            var i = lo
            while i < list.count, range.map({ Double(list[i].startMs / 1000) <= $0.hi }) ?? true {
                out.append(Session(user: u, number: i + 1, span: list[i]))
                i += 1
            }
            return out
        }
        let users = PersonyzeUsers(state)
        let startRange = query.bounds(of: "session_start_time")
        if let ids = query.pinnedValues(of: "first_visit_id") {
            return Set(ids.compactMap { Int64($0) }).sorted().compactMap { id in
                guard id > 0, let u = users.index(ofUserID: id / idBase) else { return nil }
                let n = Int(id % idBase)
                guard n >= 1, n <= spans[Int(u)].count else { return nil }
                return Session(user: u, number: n, span: spans[Int(u)][n - 1])
            }
        }
        if let pinned = users.pinnedIndexes(query) {
            return pinned.sorted().flatMap { sessions(of: $0, in: startRange) }
        }
        var out: [Session] = []
        if let range = startRange, range.lo > range.hi { return out }
        // A few days' sessions: only users active on those days can have one starting then.
        if let range = startRange, range.lo >= 0, range.hi <= 9e12, range.hi - range.lo <= 62 * 86_400 {
            // Marked in a dense table: tens of thousands of users a day cost less than hashing them.
            var active = [Bool](repeating: false, count: min(state.users.count, spans.count))
            let first = state.day(of: Int64(range.lo) * 1000), last = state.day(of: Int64(range.hi) * 1000)
            for d in first...max(first, last) {
                guard let index = state.days[d] else { continue }
                for u in index.active.members {
                    let canonical = Int(state.users.canonical(u))
                    if canonical < active.count { active[canonical] = true }
                }
            }
            for u in active.indices where active[u] && state.users.summaries[u].isKnown(id: u) {
                out.append(contentsOf: sessions(of: UInt32(u), in: range))
            }
            return out
        }
        for u in 0..<spans.count where !spans[u].isEmpty && state.users.summaries[u].isKnown(id: u) {
            out.append(contentsOf: sessions(of: UInt32(u), in: startRange))
        }
        return out
    }

    /// Fills the counters with one pass over the events the sessions span.
    static func count(_ sessions: inout [Session], _ state: TenantState) {
        guard !sessions.isEmpty else { return }
        // Each user's sessions lie together in `sessions`, in time order: per user index, where they start.
        var firstOf = [Int32](repeating: -1, count: state.users.count), countOf = [Int32](repeating: 0, count: state.users.count)
        for (i, s) in sessions.enumerated() {
            if firstOf[Int(s.user)] < 0 { firstOf[Int(s.user)] = Int32(i) }
            countOf[Int(s.user)] += 1
        }
        let names = state.eventTypeNames
        let kinds: [UInt8] = (0..<UInt32(names.count)).map { t in
            let name = names.string(t)
            return PendoIDs.pageViewTypes.contains(name) ? 1 : PendoIDs.clickTypes.contains(name) ? 2 : name == ProductStatsIndex.Metric.goal.eventType ? 3 : 0
        }
        let amountKey = state.propertySets.keys.lookup("amount")
        var pass = PersonyzeEventPass(state: state, fromMs: sessions.map(\.span.startMs).min()!, toMs: sessions.map(\.span.endMs).max()!)
        // A user's sessions lie together, so one user's are first to last; they are apart in
        // time, and the chunks between them need no reading.
        if sessions.first!.user == sessions.last!.user {
            pass.users = [sessions[0].user]
            pass.spans = sessions.map { ($0.span.startMs, $0.span.endMs) }
        } else {
            pass.marked = firstOf.map { $0 >= 0 }
        }
        pass.run { c, row, user, _ in
            let start = Int(firstOf[Int(user)])
            guard start >= 0 else { return true }
            let ts = c.timestamps[row]
            // The last of the user's sessions starting at or before ts.
            var lo = start, hi = start + Int(countOf[Int(user)])
            while lo < hi { let mid = (lo + hi) / 2; if sessions[mid].span.startMs <= ts { lo = mid + 1 } else { hi = mid } }
            guard lo > start, ts <= sessions[lo - 1].span.endMs else { return true }
            let i = lo - 1
            sessions[i].events += 1
            let t = Int(c.types[row])
            let kind = t < kinds.count ? kinds[t] : 0
            if ts < sessions[i].firstMs { sessions[i].firstMs = ts; sessions[i].firstProperties = PropertySetIndex(c.propertySets[row]) }
            switch kind {
            case 1:
                sessions[i].pageViews += 1
                if ts < sessions[i].landingMs { sessions[i].landingMs = ts; sessions[i].landing = c.pages[row] }
            case 2: sessions[i].clicks += 1
            case 3:
                sessions[i].goals += 1
                sessions[i].goalValue += PersonyzeEventPass.number(state, amountKey, in: PropertySetIndex(c.propertySets[row])) ?? 0
            default: break
            }
            return true
        }
    }

    /// The columns every session has, in the order `cheapValue` makes them.
    static let cheapOrder = ["first_visit_id", "user_id", "session_start_time", "last_session_time", "session_counter", "total_visits", "n_events",
                             "time_total", "time_in_focus", "total_n_goals", "total_goal_value", "page_click", "page_key_up", "page_scroll",
                             "page_right_mouse", "url_path"]

    static func cheapValue(_ i: Int, _ s: Session, _ state: TenantState) -> RowValue {
        let userID = Int64(s.user) + 1
        switch i {
        case 0: return .int(userID * idBase + Int64(s.number))
        case 1: return .int(userID)
        case 2: return .int(s.span.startMs / 1000)
        case 3: return .int(s.span.endMs / 1000)
        case 4: return .int(Int64(s.number))
        case 5: return .int(Int64(s.pageViews))
        case 6: return .int(Int64(s.events))
        case 7, 8: return .int((s.span.endMs - s.span.startMs) / 1000)
        case 9: return .int(Int64(s.goals))
        case 10: return .double(s.goalValue)
        case 11: return .int(Int64(s.clicks))
        case 12, 13, 14: return .int(0)
        default: return s.landing == PageIndex.none.rawValue ? .null : .text(state.pageNames.string(s.landing))
        }
    }

    /// The session's cells: the `cheapOrder` columns `flags` keeps, then, when `detail`, the
    /// `detailColumns` from the first event's properties (browser, OS and device from its
    /// User-Agent when the properties lack them).
    static func append(_ s: Session, _ state: TenantState, flags: [Bool], detail: Bool, to cells: inout [RowValue]) {
        for i in cheapOrder.indices where flags[i] { cells.append(cheapValue(i, s, state)) }
        guard detail else { return }
        let first = cells.count
        let properties = state.propertySets.decoded(s.firstProperties)
        for (_, property) in detailColumns { cells.append(properties[property].map(RowValue.text) ?? .null) }
        if let agent = properties["user_agent"], case .object(let parsed) = PipelineUserAgent.parse(agent) {
            for (column, key) in userAgentColumns where cells[first + column] == .null {
                if case .string(let text)? = parsed[key] { cells[first + column] = .text(text) }
            }
        }
    }

    /// The detail columns a User-Agent can fill (their places in `detailColumns`) and its parts.
    static let userAgentColumns: [(Int, String)] = [("browser", "name"), ("os", "os"), ("device", "device")].map { column, key in
        (detailColumns.firstIndex { $0.column == column }!, key)
    }
}
