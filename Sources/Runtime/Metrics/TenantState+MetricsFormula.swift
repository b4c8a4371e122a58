/// `POST /metrics/formula`: each series A–Z asked like its own endpoint, then the formula
/// applied point by point, line by line.
public struct FormulaSeriesSpec: Sendable, Equatable {
    public enum Metric: Sendable, Equatable {
        case dau, wau, mau, events, sessions
        /// The bucket's distinct users (as `dau`, at any granularity).
        case users
        case event(String)
        /// Log records per bucket passing `conditions`, broken down by `breakdown` when given.
        case logs(conditions: [LogCondition], breakdown: LogField?)
    }

    public var metric: Metric
    public var query: MetricsQuery

    public init(metric: Metric, query: MetricsQuery) { self.metric = metric; self.query = query }
}

extension TenantState {
    /// One input series, with its breakdown lines if it has one.
    public func formulaInput(_ spec: FormulaSeriesSpec) -> [MetricsSeries] {
        var query = spec.query
        switch spec.metric {
        case .dau, .users: return activeUsers(query, windowDays: 1)
        case .wau: return activeUsers(query, windowDays: 7)
        case .mau: return activeUsers(query, windowDays: 30)
        case .events: return metricsCountSeries(metricsEventCounts(query), query)
        case .event(let name):
            query.conditions.append(MetricsCondition(field: .eventName, op: .eq, values: [name]))
            return metricsCountSeries(metricsEventCounts(query), query)
        case .logs(let conditions, let breakdown):
            return logCountSeries(LogQuery(window: query.window, conditions: conditions, breakdown: breakdown, breakdownLimit: query.breakdownLimit))
        case .sessions:
            let points = sessions(query, countsOnly: true)
            return [MetricsSeries(dimension: .all, values: points.map { Double($0.sessions) }, total: Double(points.reduce(0) { $0 + $1.sessions }))]
        }
    }

    /// Active users by the fastest path that answers exactly.
    public func activeUsers(_ query: MetricsQuery, windowDays: Int) -> [MetricsSeries] {
        if activeUsersFromIndexes(query) { return activeUsersSeriesFromIndexes(query, windowDays: windowDays) }
        let scanned = activeUsersScanQuery(query, windowDays: windowDays)
        return activeUsersSeries(indexedUserSets(scanned) ?? metricsUserSets(scanned), query, windowDays: windowDays)
    }

    /// The formula over inputs of `width` points each. Inputs without a breakdown apply to every
    /// line; a broken-down input missing a line counts 0 there. Without any breakdown: one line.
    public static func applyFormula(_ formula: MetricsFormula, to inputs: [[MetricsSeries]], width: Int) -> [MetricsSeries] {
        var dimensions: [MetricsSeries.Dimension] = []
        for input in inputs { for line in input where line.dimension != .all && !dimensions.contains(line.dimension) { dimensions.append(line.dimension) } }
        if dimensions.isEmpty { dimensions = [.all] }
        let zeros = [Double?](repeating: 0, count: width)
        return dimensions.map { dimension in
            let columns = inputs.map { input -> [Double?] in
                if let whole = input.first(where: { $0.dimension == .all }) { return whole.values }
                return input.first { $0.dimension == dimension }?.values ?? zeros
            }
            let values = (0..<width).map { point in formula.value(columns.map { $0[point] }) }
            return MetricsSeries(dimension: dimension, values: values, total: values.reduce(0) { $0 + ($1 ?? 0) })
        }
    }
}
