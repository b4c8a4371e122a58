/// The breakdown half shared by metrics series whose lines are not plain counts: lines per
/// value, ranked by what each says over the whole range, the top kept and the rest merged.
extension TenantState {
    /// - Parameters:
    ///   - lines: per breakdown value id (0 without a breakdown), one line's raw material.
    ///   - empty: the line of a question that matched nothing.
    ///   - merge: several lines as one (other).
    ///   - render: a line's value per bucket, and its value over the whole range (the ranking).
    /// - Returns: one series without a breakdown; else the top `breakdownLimit` by that value
    ///   (largest first, ties by name), then other.
    func rankedSeries<Line>(_ lines: [UInt32: Line], _ query: MetricsQuery, empty: () -> Line, merge: ([Line]) -> Line,
                            render: (Line) -> (values: [Double?], total: Double)) -> [MetricsSeries] {
        guard let field = query.breakdown else {
            let (values, total) = render(lines[0] ?? empty())
            return [MetricsSeries(dimension: .all, values: values, total: total)]
        }
        let dimension = EventDimension(field, in: self)
        let ranked = lines.map { value, line in (name: dimension.name(value, in: self), line: line, rendered: render(line)) }
            .sorted { ($0.rendered.total, $1.name ?? "") > ($1.rendered.total, $0.name ?? "") }
        var series = ranked.prefix(query.breakdownLimit).map { entry in
            MetricsSeries(dimension: entry.name.map { .value($0) } ?? .none, values: entry.rendered.values, total: entry.rendered.total)
        }
        let rest = ranked.dropFirst(query.breakdownLimit)
        if !rest.isEmpty {
            let (values, total) = render(merge(rest.map(\.line)))
            series.append(MetricsSeries(dimension: .other, values: values, total: total))
        }
        return series
    }
}
