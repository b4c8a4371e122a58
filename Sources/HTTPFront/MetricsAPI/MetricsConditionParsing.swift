import Runtime

/// Conditions as the metrics API writes them: `conditions[N][field|operator|value]` in query
/// strings, `{"field","operator","value"}` objects in bodies.
enum MetricsConditionParsing {
    static let maxConditions = 20

    static let operators: [String: MetricsCondition.Operator] = [
        "eq": .eq, "=": .eq, "==": .eq,
        "neq": .neq, "ne": .neq, "!=": .neq, "<>": .neq,
        "gt": .gt, ">": .gt, "gte": .gte, ">=": .gte, "lt": .lt, "<": .lt, "lte": .lte, "<=": .lte,
        "contains": .contains, "like": .contains, "not_contains": .notContains, "not_like": .notContains,
        "in": .in, "not_in": .notIn,
        "is_set": .isSet, "isset": .isSet, "is_not_set": .isNotSet, "isnotset": .isNotSet,
    ]

    static func fromQuery(_ query: QueryParameters) throws -> [MetricsCondition] {
        try fromQuery(query) { field, op, values, path in try condition(field: field, operator: op, values: values, at: path, splitLists: true) }
    }

    /// The conditions of a query string, each made by `make` from its field, operator and value
    /// texts and its path (`conditions[2]`).
    static func fromQuery<Condition>(_ query: QueryParameters,
                                     _ make: (_ field: String, _ op: String?, _ values: [String]?, _ path: String) throws -> Condition) throws -> [Condition] {
        var indexes = Set<Int>()
        for key in query.values.keys where key.hasPrefix("conditions[") {
            // conditions[N][part]
            let rest = key.dropFirst("conditions[".count)
            guard let close = rest.firstIndex(of: "]"), let n = Int(rest[..<close]), (0..<maxConditions).contains(n),
                  ["[field]", "[operator]", "[value]"].contains(String(rest[rest.index(after: close)...])) else {
                throw APIError.badRequest(field: String(key.prefix(64)), "must be conditions[N][field], conditions[N][operator] or conditions[N][value] with N from 0 to \(maxConditions - 1)")
            }
            indexes.insert(n)
        }
        return try indexes.sorted().map { n in
            let name = "conditions[\(n)]"
            guard let field = query.string("\(name)[field]") else { throw APIError.badRequest(field: "\(name)[field]", "is required") }
            let value = query.values["\(name)[value]"]
            return try make(field, query.string("\(name)[operator]"), value.map { [$0] }, name)
        }
    }

    /// - Parameter splitLists: whether an `in`/`not_in` value is comma-separated text (query strings).
    /// - Parameter bracketed: whether the parts are named `path[field]` (query strings) or `path.field` (bodies).
    static func condition(field fieldText: String, operator opText: String?, values: [String]?, at path: String,
                          splitLists: Bool = false, bracketed: Bool = true) throws -> MetricsCondition {
        let (field, op, values) = try parts(field: fieldText, operator: opText, values: values, at: path, splitLists: splitLists, bracketed: bracketed,
                                            readField: MetricsParameters.field)
        return MetricsCondition(field: field, op: op, values: values)
    }

    /// A condition's field (read by `readField`, given the text and the name to blame), operator
    /// and values, each checked and named in its error.
    static func parts<Field>(field fieldText: String, operator opText: String?, values: [String]?, at path: String, splitLists: Bool, bracketed: Bool,
                             readField: (String, String) throws -> Field) throws -> (Field, MetricsCondition.Operator, [String]) {
        func part(_ name: String) -> String { bracketed ? "\(path)[\(name)]" : "\(path).\(name)" }
        let field = try readField(fieldText, part("field"))
        let opName = opText ?? "eq"
        guard let op = operators[opName] else {
            throw APIError.badRequest(field: part("operator"), "must be one of eq, neq, gt, gte, lt, lte, contains, not_contains, in, not_in, is_set, is_not_set, got '\(opName.prefix(32))'")
        }
        guard op.takesValue else { return (field, op, []) }
        guard var values, !values.isEmpty else { throw APIError.badRequest(field: part("value"), "is required for \(op.rawValue)") }
        if splitLists, op == .in || op == .notIn { values = values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } }
        guard values.count <= 1000, values.allSatisfy({ $0.utf8.count <= 1024 }) else {
            throw APIError.badRequest(field: part("value"), "must be at most 1000 values of at most 1024 bytes")
        }
        return (field, op, values)
    }
}
