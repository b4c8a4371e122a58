import Runtime

/// Reads an audience `definition` (docs/metrics-api.md, Audiences) and writes one back. What the
/// segment rules cannot express is refused naming its path, `definition.filters[1].operator`.
enum AudienceDefinitionParsing {
    static let maxItems = 20

    static func definition(_ value: JSONValue?, at path: String = "definition") throws -> AudienceDefinition {
        guard let object = value?.object else { throw APIError.badRequest(field: path, "is required (an object with filters, events and lookback_days)") }
        for key in object.keys.sorted() where !["filters", "events", "lookback_days"].contains(key) {
            throw APIError.badRequest(field: "\(path).\(key)", "is not a definition field (filters, events, lookback_days)")
        }
        let filters = try list(object["filters"], at: "\(path).filters").enumerated().map { try filter($1, at: "\(path).filters[\($0)]") }
        let events = try list(object["events"], at: "\(path).events").enumerated().map { try event($1, at: "\(path).events[\($0)]") }
        guard !filters.isEmpty || !events.isEmpty else { throw APIError.badRequest(field: path, "needs at least one filter or event") }
        return AudienceDefinition(filters: filters, events: events, lookbackDays: try SegmentRuleParsing.days(object["lookback_days"], at: "\(path).lookback_days"))
    }

    private static func list(_ value: JSONValue?, at path: String) throws -> [JSONValue] {
        guard let value, !value.isNull else { return [] }
        guard let items = value.array else { throw APIError.badRequest(field: path, "must be an array") }
        guard items.count <= maxItems else { throw APIError.badRequest(field: path, "has more than \(maxItems) items") }
        return items
    }

    /// `{"field", "operator", "value"}` on a user property: the metrics API's condition.
    static func filter(_ value: JSONValue, at path: String) throws -> AudienceDefinition.Filter {
        guard let object = value.object else { throw APIError.badRequest(field: path, "must be an object (field, operator, value)") }
        guard let fieldText = object["field"]?.string else { throw APIError.badRequest(field: "\(path).field", "is required (a user property)") }
        guard case .property(let property) = try MetricsParameters.field(fieldText, name: "\(path).field") else {
            throw APIError.badRequest(field: "\(path).field", "must be a user property (properties.KEY or KEY); '\(fieldText)' is an event field")
        }
        let opName = try object["operator"].map { v -> String in
            guard let text = v.string else { throw APIError.badRequest(field: "\(path).operator", "must be a string") }
            return text
        } ?? "eq"
        guard let op = MetricsConditionParsing.operators[opName] else {
            throw APIError.badRequest(field: "\(path).operator", "must be one of eq, neq, gt, gte, lt, lte, contains, not_contains, in, not_in, got '\(opName.prefix(32))'")
        }
        let (filterOp, negated): (PropertyFilter.Op, Bool)
        switch op {
        case .eq: (filterOp, negated) = (.eq, false)
        case .neq: (filterOp, negated) = (.neq, false)
        case .gt: (filterOp, negated) = (.gt, false)
        case .gte: (filterOp, negated) = (.gte, false)
        case .lt: (filterOp, negated) = (.lt, false)
        case .lte: (filterOp, negated) = (.lte, false)
        case .contains: (filterOp, negated) = (.contains, false)
        case .notContains: (filterOp, negated) = (.contains, true)
        case .in: (filterOp, negated) = (.in, false)
        case .notIn: (filterOp, negated) = (.in, true)
        case .isSet, .isNotSet:
            throw APIError.badRequest(field: "\(path).operator", "\(op.rawValue) cannot be written as a segment rule; use neq or eq with a value")
        }
        let values = try self.values(object["value"], list: filterOp == .in, at: "\(path).value")
        return AudienceDefinition.Filter(PropertyFilter(property: property, op: filterOp, values: values), negated: negated)
    }

    private static func values(_ value: JSONValue?, list: Bool, at path: String) throws -> [String] {
        func text(_ v: JSONValue, _ at: String) throws -> String {
            guard let text = v.scalarText else { throw APIError.badRequest(field: at, "must be a string, number or boolean") }
            guard text.utf8.count <= 1024 else { throw APIError.badRequest(field: at, "is longer than 1024 bytes") }
            return text
        }
        guard let value, !value.isNull else { throw APIError.badRequest(field: path, "is required") }
        guard list else { return [try text(value, path)] }
        guard let items = value.array, !items.isEmpty, items.count <= 1000 else {
            throw APIError.badRequest(field: path, "must be an array of 1 to 1000 values for in and not_in")
        }
        return try items.enumerated().map { try text($1, "\(path)[\($0)]") }
    }

    /// `{"event", "count"?: {"operator", "value"}, "within_days"?}`.
    static func event(_ value: JSONValue, at path: String) throws -> AudienceDefinition.Event {
        guard let object = value.object else { throw APIError.badRequest(field: path, "must be an object (event, count, within_days)") }
        for key in object.keys.sorted() where !["event", "count", "within_days"].contains(key) {
            throw APIError.badRequest(field: "\(path).\(key)", "is not an event field (event, count, within_days)")
        }
        guard let name = object["event"]?.string, !name.isEmpty, name.utf8.count <= 1024 else {
            throw APIError.badRequest(field: "\(path).event", "is required (an event name of at most 1024 bytes)")
        }
        var count: (SegmentRule.CountComparison, Int)?
        if let countValue = object["count"], !countValue.isNull {
            guard let countObject = countValue.object else { throw APIError.badRequest(field: "\(path).count", "must be an object (operator, value)") }
            let opName = countObject["operator"]?.string ?? "gte"
            guard let comparison = SegmentRule.CountComparison(name: opName == "ne" ? "neq" : opName) else {
                throw APIError.badRequest(field: "\(path).count.operator", "must be one of eq, neq, gt, gte, lt, lte (or =, !=, >, >=, <, <=), got '\(opName.prefix(32))'")
            }
            guard let n = countObject["value"]?.integer, (0...Int(Int32.max)).contains(n) else {
                throw APIError.badRequest(field: "\(path).count.value", "must be a whole number from 0 to \(Int32.max)")
            }
            count = (comparison, n)
        }
        return AudienceDefinition.Event(event: name, count: count, withinDays: try SegmentRuleParsing.days(object["within_days"], at: "\(path).within_days"))
    }
}

/// A definition written back: fields as `properties.KEY`, operators by name, `value` an array for `in`/`not_in`.
struct AudienceDefinitionDocument: Encodable {
    let definition: AudienceDefinition

    struct FilterDocument: Encodable { var field: String; var `operator`: String; var value: ValueDocument }
    enum ValueDocument: Encodable {
        case one(String), many([String])
        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .one(let v): try c.encode(v)
            case .many(let v): try c.encode(v)
            }
        }
    }
    struct CountDocument: Encodable { var `operator`: String; var value: Int }
    struct EventDocument: Encodable { var event: String; var count: CountDocument?; var withinDays: Int? }

    enum CodingKeys: String, CodingKey { case filters, events, lookbackDays }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(definition.filters.map { f in
            let name = f.negated ? "not_" + f.filter.op.rawValue : f.filter.op.rawValue
            return FilterDocument(field: "properties." + f.filter.property, operator: name,
                                  value: f.filter.op == .in ? .many(f.filter.values) : .one(f.filter.values.first ?? ""))
        }, forKey: .filters)
        try c.encode(definition.events.map { e in
            EventDocument(event: e.event, count: e.count.map { CountDocument(operator: Self.name($0.comparison), value: $0.value) }, withinDays: e.withinDays)
        }, forKey: .events)
        try c.encode(definition.lookbackDays, forKey: .lookbackDays)
    }

    static func name(_ comparison: SegmentRule.CountComparison) -> String {
        switch comparison {
        case .gte: "gte"
        case .gt: "gt"
        case .lte: "lte"
        case .lt: "lt"
        case .eq: "eq"
        case .neq: "neq"
        }
    }
}
