import Runtime

/// `POST /api/v1/funnels` and `/funnels/trend`: `steps` (2–10, each `{"event","filters"}` with
/// metrics conditions on the event's properties), `window_seconds`, `breakdown`,
/// `breakdown_limit`, `range` and, for the trend, `granularity`.
struct MetricsFunnelBody: Decodable {
    struct Step: Decodable {
        var event: String?
        var filters: [Condition]?
    }

    /// `{"field","operator","value"}`: `value` a scalar, or an array for `in`/`not_in`.
    struct Condition: Decodable {
        var field: String?
        var `operator`: String?
        var value: JSONValue?

        func condition(at path: String) throws -> MetricsCondition {
            guard let field else { throw APIError.badRequest(field: "\(path).field", "is required") }
            return try MetricsConditionParsing.condition(field: field, operator: `operator`, values: values(at: path), at: path, bracketed: false)
        }

        /// The same object as a condition on log records (the formula's `logs` series).
        func logCondition(at path: String) throws -> LogCondition {
            guard let field else { throw APIError.badRequest(field: "\(path).field", "is required") }
            let (logField, op, values) = try MetricsConditionParsing.parts(field: field, operator: `operator`, values: values(at: path), at: path,
                                                                            splitLists: false, bracketed: false, readField: LogMetricsParameters.field)
            return LogCondition(field: logField, op: op, values: values)
        }

        /// `value` as texts: nil when absent, one for a scalar, each of an array's.
        func values(at path: String) throws -> [String]? {
            switch value {
            case nil, .null?: return nil
            case .array(let list)?:
                return try list.enumerated().map { k, item in
                    guard let text = item.scalarText else { throw APIError.badRequest(field: "\(path).value[\(k)]", "must be a string, number or boolean") }
                    return text
                }
            case let scalar?:
                guard let text = scalar.scalarText else { throw APIError.badRequest(field: "\(path).value", "must be a string, number, boolean or an array of them") }
                return [text]
            }
        }
    }

    var steps: [Step]?
    @WholeNumber var windowSeconds: Int?
    var breakdown: String?
    @WholeNumber var breakdownLimit: Int?
    var range: String?
    var granularity: String?

    enum CodingKeys: String, CodingKey {
        case steps, windowSeconds = "window_seconds", breakdown, breakdownLimit = "breakdown_limit", range, granularity
    }

    /// The steps as event names with property filters; every error names its path.
    func parsedSteps() throws -> [(path: String, event: String, filters: [PropertyFilter])] {
        guard let steps else { throw APIError.badRequest(field: "steps", "is required (2 to 10 steps)") }
        guard (2...10).contains(steps.count) else { throw APIError.badRequest(field: "steps", "must have 2 to 10 steps, got \(steps.count)") }
        return try steps.enumerated().map { i, step in
            let path = "steps[\(i)]"
            guard let event = step.event, !event.isEmpty else { throw APIError.badRequest(field: "\(path).event", "is required") }
            guard event.utf8.count <= IngestLimits.maxFieldBytes else { throw APIError.badRequest(field: "\(path).event", "is longer than \(IngestLimits.maxFieldBytes) bytes") }
            let conditions = step.filters ?? []
            guard conditions.count <= 20 else { throw APIError.badRequest(field: "\(path).filters", "has more than 20 conditions") }
            let filters = try conditions.enumerated().map { j, c -> PropertyFilter in
                let at = "\(path).filters[\(j)]"
                let condition = try c.condition(at: at)
                guard case .property(let key) = condition.field else {
                    throw APIError.badRequest(field: "\(at).field", "must be a property of the step's event (properties.KEY or a bare name)")
                }
                return PropertyFilter(property: key, op: condition.op, values: condition.values)
            }
            return (path, event, filters)
        }
    }
}
