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
    public static func rows(_ state: TenantState, _ window: Window, _ query: RowQuery) -> RowBlock {
        var wanted: Set<String>?
        if let columns = query.columns { wanted = query.conditionColumns.union(query.orderBy).union(columns) }
        func wants(_ column: String) -> Bool { wanted?.contains(column) ?? true }
        let index = state.productStats
        let last = state.newestTimestampMs.map { state.day(of: $0) } ?? 0
        let first = window.days.map { last - DayNumber($0) + 1 }
        var firstMs = Int64.min
        if let first { firstMs = state.calendar.startMs(of: first) }
        var ids: [String] = [], counts: [ProductStatsIndex.Counts] = [], buyers: [[ProductStatsIndex.Buyer]] = []
        var seen: Set<String> = []
        for (value, product) in index.products {
            let id = state.propertySets.values.string(value)
            ids.append(id)
            counts.append(first.map { product.counts(from: $0, through: last) } ?? product.total)
            buyers.append(product.buyers.filter { $0.atMs >= firstMs })
            seen.insert(id)
        }
        for key in state.personyze[.products].byInternalID.keys where !seen.contains(key) {
            ids.append(key); counts.append(.init()); buyers.append([])
        }
        // By id's bytes; the places are sorted, not the products, which are larger to move.
        let order = ids.indices.sorted { ids[$0].utf8.lexicographicallyPrecedes(ids[$1].utf8) }
        let metrics = ProductStatsIndex.Metric.allCases
        let percentiles = metrics.map { "percentile_\($0.name)" }
        let wantsPercentile = percentiles.map(wants)
        let buyerColumns = (0..<3).map { ("last_goal_user_id_\($0)", "last_goal_user_time_\($0)") }
        let wantsBuyer = buyerColumns.map { wants($0.0) || wants($0.1) }
        // The catalogue-wide columns, the same in every row.
        var shared: [(String, RowValue)] = []
        var sortedValues: [[Int]] = []
        for metric in metrics {
            let values = counts.map { $0[metric] }
            let sum = values.reduce(0, +), nonzero = values.filter { $0 > 0 }.count
            if wants("overall_n_\(metric.name)") { shared.append(("overall_n_\(metric.name)", .int(Int64(sum)))) }
            if wants("overall_avg_\(metric.name)") { shared.append(("overall_avg_\(metric.name)", .double(ids.isEmpty ? 0 : Double(sum) / Double(ids.count)))) }
            if wants("overall_avg_nonzero_\(metric.name)") { shared.append(("overall_avg_nonzero_\(metric.name)", .double(nonzero == 0 ? 0 : Double(sum) / Double(nonzero)))) }
            sortedValues.append(wantsPercentile[metric.rawValue] ? values.sorted() : [])
        }
        var names = ["internal_id"] + metrics.map { "n_\($0.name)" }
        names += metrics.indices.filter { wantsPercentile[$0] }.map { percentiles[$0] }
        for slot in 0..<3 where wantsBuyer[slot] { names += [buyerColumns[slot].0, buyerColumns[slot].1] }
        names += shared.map(\.0)
        var block = RowBlock(columns: names, reservingRows: ids.count)
        var cells: [RowValue] = []
        for p in order {
            cells.removeAll(keepingCapacity: true)
            cells.append(.text(ids[p]))
            for metric in metrics { cells.append(.int(Int64(counts[p][metric]))) }
            for (m, metric) in metrics.enumerated() where wantsPercentile[m] {
                // The share of products with a smaller count, in percent.
                let value = counts[p][metric]
                var lo = 0, hi = sortedValues[m].count
                while lo < hi { let mid = (lo + hi) / 2; if sortedValues[m][mid] < value { lo = mid + 1 } else { hi = mid } }
                cells.append(.double(100 * Double(lo) / Double(ids.count)))
            }
            for slot in 0..<3 where wantsBuyer[slot] {
                let buyer = slot < buyers[p].count ? buyers[p][slot] : nil
                cells.append(buyer.map { .int(Int64(state.users.canonical($0.user)) + 1) } ?? .null)
                cells.append(buyer.map { .int($0.atMs / 1000) } ?? .null)
            }
            for (_, value) in shared { cells.append(value) }
            block.append(cells)
        }
        return block
    }
}
