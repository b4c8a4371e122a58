import Actors
import Runtime

/// The common parameters of the logs' series and lists: `range`, `granularity`, `compare` and
/// `breakdown_limit` as every metrics route reads them, with `breakdown` and the conditions read
/// as log fields (`level`, `service`, `source`, `message`, `attributes.KEY`).
struct LogMetricsParameters {
    let common: MetricsParameters
    let breakdown: LogField?
    let conditions: [LogCondition]

    init(_ query: QueryParameters, tenant: TenantActor) throws {
        common = try MetricsParameters(query, tenant: tenant, eventFields: false)
        breakdown = try query.string("breakdown").map { try Self.breakdown($0, name: "breakdown") }
        conditions = try MetricsConditionParsing.fromQuery(query) { field, op, values, path in
            let (logField, op, values) = try MetricsConditionParsing.parts(field: field, operator: op, values: values, at: path, splitLists: true,
                                                                            bracketed: true, readField: Self.field)
            return LogCondition(field: logField, op: op, values: values)
        }
    }

    var query: LogQuery { LogQuery(window: common.window, conditions: conditions, breakdown: breakdown, breakdownLimit: common.breakdownLimit) }

    static func field(_ text: String, name: String) throws -> LogField {
        guard text.utf8.count <= 256, let field = LogField(text) else {
            throw APIError.badRequest(field: name, "must be level, service, source, message or attributes.KEY, got '\(text.prefix(64))'")
        }
        return field
    }

    /// A field to break down by: any but `message` (free text, a value per record).
    static func breakdown(_ text: String, name: String) throws -> LogField {
        let field = try field(text, name: name)
        guard field != .message else { throw APIError.badRequest(field: name, "must be level, service, source or attributes.KEY, got 'message'") }
        return field
    }
}
