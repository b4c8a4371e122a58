/// What every metrics series is asked with: a window, conditions every counted event passes, and
/// an optional breakdown (the top `breakdownLimit` values by the series' total, the rest as other).
public struct MetricsQuery: Sendable, Equatable {
    public var window: MetricsWindow
    public var conditions: [MetricsCondition]
    public var breakdown: EventField?
    public var breakdownLimit: Int

    public init(window: MetricsWindow, conditions: [MetricsCondition] = [], breakdown: EventField? = nil, breakdownLimit: Int = 10) {
        self.window = window; self.conditions = conditions; self.breakdown = breakdown; self.breakdownLimit = breakdownLimit
    }

    /// The same question over another window (`compare`).
    public func over(_ window: MetricsWindow) -> MetricsQuery {
        var copy = self
        copy.window = window
        return copy
    }

    /// The same question over the events named `event` only (an unknown name matches nothing).
    public func restricted(toEvent event: String) -> MetricsQuery {
        var copy = self
        copy.conditions.append(MetricsCondition(field: .eventName, op: .eq, values: [event]))
        return copy
    }
}

/// One line of a metrics answer: a value per bucket, for all events or one breakdown value.
public struct MetricsSeries: Sendable, Equatable {
    public enum Dimension: Sendable, Equatable {
        /// No breakdown.
        case all
        case value(String)
        /// Events without the field.
        case none
        /// The values past the top ones.
        case other
    }

    public var dimension: Dimension
    /// Per bucket; nil where the bucket has nothing to aggregate (an average of no values).
    public var values: [Double?]
    /// What the ranking used: the series' total over the range.
    public var total: Double

    public init(dimension: Dimension, values: [Double?], total: Double) {
        self.dimension = dimension; self.values = values; self.total = total
    }
}
