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
        if let pinned = PersonyzeUsers(state).pinnedIndexes(query) {
            guard !pinned.isEmpty else { return nil }
            pass.users = pinned
        }
        if let range = query.millisecondBounds(of: timeColumn, spanMs: 1000) {
            guard range.from <= range.to else { return nil }
            pass.fromMs = range.from; pass.toMs = range.to
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
            guard stop.map({ rows.count < $0 }) ?? true else { return false }
            guard let product = state.propertySets.value(of: productKey, in: PropertySetIndex(c.propertySets[row])) else { return true }
            if let pinnedProducts, !pinnedProducts.contains(product) { return true }
            budget -= 1
            if budget < 0 { failed = true; return false }
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
            return true
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
        if !forms { pass.ids = query.pinnedValues(of: "id").map { Set($0.compactMap { Int($0) }) } }
        var rows: [Row] = []
        var failed = false
        let stop = query.earlyStop
        pass.run { c, row, user, id in
            guard stop.map({ rows.count < $0 }) ?? true else { return false }
            budget -= 1
            if budget < 0 { failed = true; return false }
            let ts = c.timestamps[row]
            var r: Row = ["user_id": .int(Int64(user) + 1), "time": .int(ts / 1000)]
            let session = state.sessionIndex.session(of: user, at: ts)
            r["session_start_time"] = session.map { .int($0.span.startMs / 1000) } ?? .null
            r["first_visit_id"] = session.map { .int((Int64(user) + 1) * PersonyzeSessions.idBase + Int64($0.number)) } ?? .null
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
            return true
        }
        if failed { throw RowQueryTooLarge() }
        return query.select(rows)
    }
}
