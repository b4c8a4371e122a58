/// The Personyze views of the event log (docs/personyze.md, "Interactions"): product
/// interactions (the five product event types), every event, and form submissions. Rows are
/// made from one pass narrowed by user, type and time as the query allows.
public enum PersonyzeInteractions {
    public static let interactionIndexed: Set<String> = ["user_id", "product_internal_id", "status", "time"]
    public static let eventIndexed: Set<String> = ["id", "user_id", "container_id"]
    public static let formIndexed: Set<String> = ["user_id", "action_id", "time"]
    public static let formType = "form_submitted"

    /// The status a product event type stands for, and back.
    public static func status(of metric: ProductStatsIndex.Metric) -> String { metric == .extra ? "extra" : metric == .goal ? "goal" : metric.name }
    public static func metric(ofStatus status: String) -> ProductStatsIndex.Metric? {
        ProductStatsIndex.Metric.allCases.first { self.status(of: $0) == status }
    }

    /// Narrows a pass by the query's pinned `user_id` and its bounds on a seconds column.
    static func narrowed(_ state: TenantState, _ query: RowQuery, timeColumn: String) -> PersonyzeEventPass? {
        var pass = PersonyzeEventPass(state: state)
        let users = PersonyzeUsers(state)
        if let ids = query.pinnedValues(of: "user_id") {
            pass.users = Set(ids.compactMap { Int64($0) }.compactMap { users.internalID(ofUserID: $0) != nil ? UInt32($0 - 1) : nil })
            if pass.users!.isEmpty { return nil }
        }
        if let range = query.bounds(of: timeColumn) {
            guard range.lo <= range.hi else { return nil }
            if range.lo.isFinite { pass.fromMs = Int64(clamping: Int64(max(-9e15, range.lo)) &* 1000) }
            if range.hi.isFinite { pass.toMs = Int64(clamping: Int64(min(9e15, range.hi)) &* 1000 + 999) }
        }
        return pass
    }

    static func properties(_ state: TenantState, _ c: EventColumns, _ row: Int) -> [String: String] {
        state.propertySets.decoded(PropertySetIndex(c.propertySets[row]))
    }

    public static func productRows(_ state: TenantState, _ query: RowQuery, budget: inout Int) throws(RowQueryTooLarge) -> [Row] {
        guard var pass = narrowed(state, query, timeColumn: "time") else { return [] }
        var wanted = Set(ProductStatsIndex.Metric.allCases.map(\.eventType))
        if let statuses = query.pinnedValues(of: "status") { wanted = Set(statuses.compactMap { metric(ofStatus: $0)?.eventType }) }
        pass.types = PersonyzeEventPass.flags(state, wanted)
        let productKey = state.propertySets.keys.lookup("product_id")
        var pinnedProducts: Set<UInt32>?
        if let products = query.pinnedValues(of: "product_internal_id") {
            pinnedProducts = Set(products.compactMap { state.propertySets.values.lookup($0) })
            if pinnedProducts!.isEmpty { return [] }
        }
        guard let productKey else { return [] }
        var rows: [Row] = []
        var failed = false
        let stop = query.earlyStop
        pass.run { c, row, user, id in
            guard !failed, stop.map({ rows.count < $0 }) ?? true,
                  let product = state.propertySets.value(of: productKey, in: PropertySetIndex(c.propertySets[row])) else { return }
            if let pinnedProducts, !pinnedProducts.contains(product) { return }
            budget -= 1
            if budget < 0 { failed = true; return }
            let p = properties(state, c, row)
            let metric = ProductStatsIndex.Metric(eventType: state.eventTypeNames.string(c.types[row]))!
            let seconds = c.timestamps[row] / 1000
            let r: Row = [
                "id": .int(Int64(id)), "user_id": .int(Int64(user) + 1), "product_internal_id": .text(state.propertySets.values.string(product)),
                "quantity": p["quantity"].flatMap { Int64($0) }.map(RowValue.int) ?? .int(1), "status": .text(status(of: metric)),
                "action_id": p["action_id"].flatMap { Int64($0) }.map(RowValue.int) ?? .null,
                "transaction_time": p["transaction_time"].flatMap { Int64($0) }.map(RowValue.int) ?? .int(seconds),
                "time": .int(seconds), "amount": p["amount"].flatMap { RowValue.numeric($0) }.map(RowValue.double) ?? .null,
            ]
            if query.matches(r) { rows.append(r) }
        }
        if failed { throw RowQueryTooLarge() }
        return query.select(rows)
    }

    /// `events`: `id` is the event's place in the log since the tenant began (stable until events
    /// are rewritten), `container_id` its type's index plus one, `container_types` the type's name,
    /// `value` its page, and the session it falls in.
    public static func eventRows(_ state: TenantState, _ query: RowQuery, forms: Bool, budget: inout Int) throws(RowQueryTooLarge) -> [Row] {
        guard var pass = narrowed(state, query, timeColumn: "time") else { return [] }
        if forms {
            pass.types = PersonyzeEventPass.flags(state, [formType])
        } else if let containers = query.pinnedValues(of: "container_id") {
            let wanted = Set(containers.compactMap { Int($0) }.filter { $0 >= 1 && $0 <= state.eventTypeNames.count }.map { state.eventTypeNames.string(UInt32($0 - 1)) })
            pass.types = PersonyzeEventPass.flags(state, wanted)
        }
        let pinnedIDs = forms ? nil : query.pinnedValues(of: "id").map { Set($0.compactMap { Int($0) }) }
        var rows: [Row] = []
        var failed = false
        // Event ids count from the events evicted before the oldest chunk kept.
        var position = state.log.evictedEvents
        let stop = query.earlyStop
        let spans = state.sessionIndex.spans
        state.log.forEachChunk { c in
            defer { position += c.count }
            guard !failed, c.count > 0, c.maxTimestamp >= pass.fromMs, c.minTimestamp <= pass.toMs else { return }
            if let pinnedIDs, !pinnedIDs.contains(where: { $0 > position && $0 <= position + c.count }) { return }
            for row in 0..<c.count {
                if let stop, rows.count >= stop { return }
                let id = position + row + 1
                if let pinnedIDs, !pinnedIDs.contains(id) { continue }
                if let types = pass.types { let t = Int(c.types[row]); guard t < types.count, types[t] else { continue } }
                let ts = c.timestamps[row]
                guard ts >= pass.fromMs, ts <= pass.toMs else { continue }
                let user = state.users.canonical(c.users[row])
                if let users = pass.users, !users.contains(user) { continue }
                budget -= 1
                if budget < 0 { failed = true; return }
                var r: Row = ["user_id": .int(Int64(user) + 1), "time": .int(ts / 1000)]
                var sessionStart: Int64?, sessionNumber = 0
                if Int(user) < spans.count {
                    let list = spans[Int(user)]
                    var lo = 0, hi = list.count
                    while lo < hi { let mid = (lo + hi) / 2; if list[mid].startMs <= ts { lo = mid + 1 } else { hi = mid } }
                    if lo > 0, ts <= list[lo - 1].endMs { sessionStart = list[lo - 1].startMs; sessionNumber = lo }
                }
                r["session_start_time"] = sessionStart.map { .int($0 / 1000) } ?? .null
                r["first_visit_id"] = sessionStart == nil ? .null : .int((Int64(user) + 1) * PersonyzeSessions.idBase + Int64(sessionNumber))
                if forms {
                    for (key, value) in properties(state, c, row) where r[key] == nil { r[key] = .text(value) }
                    r["action_id"] = r["action_id"].flatMap { Int64($0.text) }.map(RowValue.int) ?? .null
                } else {
                    r["id"] = .int(Int64(id))
                    r["container_id"] = .int(Int64(c.types[row]) + 1)
                    r["container_types"] = .text(state.eventTypeNames.string(c.types[row]))
                    r["value"] = c.pages[row] == PageIndex.none.rawValue ? .null : .text(state.pageNames.string(c.pages[row]))
                    r["visit_id"] = r["first_visit_id"]
                }
                if query.matches(r) { rows.append(r) }
            }
        }
        if failed { throw RowQueryTooLarge() }
        return query.select(rows)
    }
}
