/// `products_stats_*` (docs/personyze.md, "Reports"): per product, the counters of the product
/// stats index over a window of days ending on the day of the tenant's newest event, the
/// catalogue-wide sums, means and this product's percentile per counter, and its latest buyers.
public enum PersonyzeProductStats {
    public enum Window: String, Sendable, CaseIterable {
        case oneDay = "1day", twoDays = "2day", fourDays = "4day", week, recent, all

        /// Days in the window; nil for the whole history.
        public var days: Int? {
            switch self {
            case .oneDay: 1
            case .twoDays: 2
            case .fourDays: 4
            case .week: 7
            case .recent: 30
            case .all: nil
            }
        }
    }

    public static let indexed: Set<String> = ["internal_id", "n_viewed", "n_delivered", "n_extra", "n_favorite", "n_goal",
                                              "last_goal_user_id_0", "last_goal_user_id_1", "last_goal_user_id_2"]

    /// Rows: every product with a product event, and every catalogue product. Only the columns
    /// the query reads are made (its conditions, sort and chosen columns; all without `columns`).
    public static func rows(_ state: TenantState, _ window: Window, _ query: RowQuery) -> [Row] {
        var wanted: Set<String>?
        if let columns = query.columns { wanted = query.conditionColumns.union(query.orderBy).union(columns) }
        func wants(_ column: String) -> Bool { wanted?.contains(column) ?? true }
        let index = state.productStats
        let last = state.newestTimestampMs.map { state.day(of: $0) } ?? 0
        let first = window.days.map { last - DayNumber($0) + 1 }
        var firstMs = Int64.min
        if let first { firstMs = state.calendar.startMs(of: first) }
        var products: [(id: String, counts: ProductStatsIndex.Counts, buyers: [ProductStatsIndex.Buyer])] = []
        var seen: Set<String> = []
        for (value, product) in index.products {
            let id = state.propertySets.values.string(value)
            let counts = first.map { product.counts(from: $0, through: last) } ?? product.total
            products.append((id, counts, product.buyers.filter { $0.atMs >= firstMs }))
            seen.insert(id)
        }
        for key in state.personyze[.products].byInternalID.keys where !seen.contains(key) { products.append((key, .init(), [])) }
        products.sort { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        let metrics = ProductStatsIndex.Metric.allCases
        // Column names made once: a name per row and metric would cost more than the counting.
        let counted = metrics.map { "n_\($0.name)" }, percentiles = metrics.map { "percentile_\($0.name)" }
        let wantsPercentile = percentiles.map(wants)
        let buyerColumns = (0..<3).map { ("last_goal_user_id_\($0)", "last_goal_user_time_\($0)") }
        let wantsBuyer = buyerColumns.map { wants($0.0) || wants($0.1) }
        var overall: [Row] = []
        var shared: Row = [:]
        var sortedValues: [[Int]] = []
        for metric in metrics {
            let values = products.map { $0.counts[metric] }
            let sum = values.reduce(0, +), nonzero = values.filter { $0 > 0 }.count
            if wants("overall_n_\(metric.name)") { shared["overall_n_\(metric.name)"] = .int(Int64(sum)) }
            if wants("overall_avg_\(metric.name)") { shared["overall_avg_\(metric.name)"] = .double(products.isEmpty ? 0 : Double(sum) / Double(products.count)) }
            if wants("overall_avg_nonzero_\(metric.name)") { shared["overall_avg_nonzero_\(metric.name)"] = .double(nonzero == 0 ? 0 : Double(sum) / Double(nonzero)) }
            sortedValues.append(wants(percentiles[metric.rawValue]) ? values.sorted() : [])
        }
        for product in products {
            var row = shared
            row["internal_id"] = .text(product.id)
            for (m, metric) in metrics.enumerated() {
                let value = product.counts[metric]
                row[counted[m]] = .int(Int64(value))
                guard wantsPercentile[m] else { continue }
                // The share of products with a smaller count, in percent.
                var lo = 0, hi = sortedValues[m].count
                while lo < hi { let mid = (lo + hi) / 2; if sortedValues[m][mid] < value { lo = mid + 1 } else { hi = mid } }
                row[percentiles[m]] = .double(products.isEmpty ? 0 : 100 * Double(lo) / Double(products.count))
            }
            for slot in 0..<3 where wantsBuyer[slot] {
                let buyer = slot < product.buyers.count ? product.buyers[slot] : nil
                row[buyerColumns[slot].0] = buyer.map { .int(Int64(state.users.canonical($0.user)) + 1) } ?? .null
                row[buyerColumns[slot].1] = buyer.map { .int($0.atMs / 1000) } ?? .null
            }
            overall.append(row)
        }
        return overall
    }
}
