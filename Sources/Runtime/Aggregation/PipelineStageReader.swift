/// Reads one operator's body; every error names the stage and the key.
struct StageReader {
    let path: [Int]
    let name: String
    var environment: PipelineEnvironment

    /// The period fields of event rows: `eval` may not overwrite them (the seed's rule).
    static let readOnlyFields: Set<String> = ["day", "hour", "week", "month", "quarter"]

    func failure(_ field: String?, _ message: String, column: Int? = nil) -> PipelineError {
        PipelineError(stage: path, field: field, column: column, message)
    }

    func expression(_ value: PipelineValue, field: String) throws(PipelineError) -> PipelineExpression {
        guard let text = value.string else { throw failure(field, "must be an expression string") }
        do { return try PipelineExpressionParser.parse(text) } catch {
            throw failure(field, error.message, column: error.column)
        }
    }

    func path(_ value: PipelineValue, field: String) throws(PipelineError) -> FieldPath {
        guard let text = value.string else { throw failure(field, "must be a field name") }
        guard let path = Self.fieldPath(text) else { throw failure(field, "\"\(text)\" is not a field name (letters, digits, _ and $, dotted)") }
        return path
    }

    static func fieldPath(_ text: String) -> FieldPath? {
        guard !text.isEmpty, text.utf8.count <= 256 else { return nil }
        let path = FieldPath(text)
        for key in path.keys {
            guard let first = key.utf8.first, PipelineExpressionParser.startsName(first),
                  key.utf8.allSatisfy({ PipelineExpressionParser.continuesName($0) && $0 != UInt8(ascii: ".") }) else { return nil }
        }
        return path
    }

    func count(_ value: PipelineValue) throws(PipelineError) -> Int {
        guard let n = value.integer, n >= 0 else { throw failure(name, "must be a whole number of rows, 0 or more") }
        return n
    }

    func text(_ value: PipelineValue, field: String) throws(PipelineError) -> String {
        if let s = value.string, !s.isEmpty, s.utf8.count <= 1024 { return s }
        if let n = value.integer { return String(n) }
        throw failure(field, "must be an id (a string or a number)")
    }

    func ids(_ value: PipelineValue, field: String) throws(PipelineError) -> [String] {
        if let list = value.list {
            guard !list.isEmpty, list.count <= 10_000 else { throw failure(field, "must list 1 to 10,000 ids") }
            var out: [String] = []
            for item in list { out.append(try text(item, field: field)) }
            return out
        }
        return [try text(value, field: field)]
    }

    /// A time: epoch milliseconds, or an expression (`now()`, `date(2023, 9, 1)`, `dateAdd(...)`).
    mutating func time(_ value: PipelineValue, field: String) throws(PipelineError) -> Int64 {
        var result = value
        if value.string != nil {
            let parsed = try expression(value, field: field)
            do { result = try parsed.evaluate([:], &environment) } catch { throw failure(field, error.message) }
        }
        guard let n = result.number else { throw failure(field, "must be a time: milliseconds since the epoch or an expression giving them") }
        do { return try PipelineDates.checkedTime(n) } catch { throw failure(field, error.message) }
    }

    /// `appId`: a number, a list of numbers, or `expandAppIds("…")`.
    mutating func appIDs(_ value: PipelineValue, field: String) throws(PipelineError) -> [Int] {
        var result = value
        if value.string != nil {
            let parsed = try expression(value, field: field)
            do { result = try parsed.evaluate([:], &environment) } catch { throw failure(field, error.message) }
        }
        // expandAppIds may match no app (a mobile filter): then the source reads nothing.
        if value.string != nil, result.list?.isEmpty == true { return [] }
        let items = result.list ?? [result]
        var ids: [Int] = []
        for item in items {
            guard let n = item.integer else { throw failure(field, "must be an app id, a list of them, or expandAppIds(\"…\")") }
            ids.append(n)
        }
        guard !ids.isEmpty else { throw failure(field, "names no app") }
        return ids
    }

    /// `{"out": "<expr>", ...}` for select and eval.
    func assignments(_ value: PipelineValue, readOnly: Bool = false) throws(PipelineError) -> [PipelineStage.Assignment] {
        guard let object = value.object, !object.isEmpty else { throw failure(name, "must be an object of output field to expression") }
        var out: [PipelineStage.Assignment] = []
        for key in object.keys.sorted() {
            guard let target = Self.fieldPath(key) else { throw failure("\(name).\(key)", "is not a field name") }
            if readOnly, Self.readOnlyFields.contains(key) { throw failure("\(name).\(key)", "is read-only; write to another name") }
            out.append(.init(output: target, expression: try expression(object[key]!, field: "\(name).\(key)")))
        }
        return out
    }

    func sortKeys(_ value: PipelineValue) throws(PipelineError) -> [PipelineStage.SortKey] {
        let items = value.list ?? (value.string.map { [PipelineValue.string($0)] } ?? [])
        guard !items.isEmpty else { throw failure(name, "must list field names, \"-field\" for descending") }
        var keys: [PipelineStage.SortKey] = []
        for item in items {
            guard var text = item.string else { throw failure(name, "must list field names") }
            let descending = text.hasPrefix("-")
            if descending { text.removeFirst() }
            guard let field = Self.fieldPath(text) else { throw failure(name, "\"\(text)\" is not a field name") }
            keys.append(.init(field: field, descending: descending))
        }
        return keys
    }

    /// `{"out": {"sum": "field"}}` or `[{"out": {"sum": "field"}}, ...]`.
    func aggregates(_ value: PipelineValue, field: String) throws(PipelineError) -> [PipelineStage.Aggregate] {
        var pairs: [(String, PipelineValue)] = []
        if let object = value.object {
            pairs = object.keys.sorted().map { ($0, object[$0]!) }
        } else if let list = value.list {
            for item in list {
                guard let one = item.object, one.count == 1 else { throw failure(field, "a list of aggregates holds one-key objects: {\"out\": {\"sum\": \"field\"}}") }
                pairs.append((one.first!.key, one.first!.value))
            }
        } else {
            throw failure(field, "must be {\"out\": {\"<aggregator>\": \"field\"}} or a list of such")
        }
        var out: [PipelineStage.Aggregate] = []
        for (key, spec) in pairs {
            guard let target = Self.fieldPath(key) else { throw failure("\(field).\(key)", "is not a field name") }
            out.append(.init(output: target, aggregator: try aggregator(spec, field: "\(field).\(key)")))
        }
        return out
    }

    func aggregator(_ spec: PipelineValue, field: String) throws(PipelineError) -> PipelineAggregator {
        guard let object = spec.object, object.count == 1, let (kind, input) = object.first else {
            throw failure(field, "must be one aggregator: {\"\(PipelineAggregator.names.joined(separator: "|"))\": \"field\"}")
        }
        let at = "\(field).\(kind)"
        func operand() throws(PipelineError) -> PipelineExpression { try expression(input, field: at) }
        switch kind {
        case "count": return .count(input.isNull ? nil : try operand())
        case "countIf":
            guard let options = input.object else { throw failure(at, "must be {\"count\": \"field\" or null, \"if\": \"<expr>\"}") }
            for key in options.keys.sorted() where !["count", "if"].contains(key) { throw failure("\(at).\(key)", "is not a countIf key (count, if)") }
            guard let condition = options["if"] else { throw failure("\(at).if", "is required: the expression a row must meet") }
            let counted = options["count"].flatMap { $0.isNull ? nil : $0 }
            return .countIf(try counted.map { v throws(PipelineError) in try expression(v, field: "\(at).count") }, condition: try expression(condition, field: "\(at).if"))
        case "sum": return .sum(try operand())
        case "avg": return .avg(try operand())
        case "mean": return .mean(try operand())
        case "median": return .median(try operand())
        case "min": return .min(try operand())
        case "max": return .max(try operand())
        case "first": return .first(try operand())
        case "list": return .list(try operand())
        default: throw failure(at, "is not an aggregator (\(PipelineAggregator.names.joined(separator: ", ")))")
        }
    }

    func group(_ value: PipelineValue) throws(PipelineError) -> PipelineStage {
        guard let object = value.object else { throw failure("group", "must be {\"group\": [fields], \"fields\": {...}}") }
        for key in object.keys.sorted() where !["group", "fields"].contains(key) { throw failure("group.\(key)", "is not a group key (group, fields)") }
        let keyValues = object["group"].flatMap { $0.list ?? ($0.string.map { [PipelineValue.string($0)] }) } ?? []
        var keys: [FieldPath] = []
        for item in keyValues { keys.append(try path(item, field: "group.group")) }
        var fields: [PipelineStage.Aggregate] = []
        if let value = object["fields"], !value.isNull { fields = try aggregates(value, field: "group.fields") }
        guard !keys.isEmpty || !fields.isEmpty else { throw failure("group.group", "names no field to group by and no aggregate") }
        return .group(keys: keys, fields: fields)
    }

    /// `"visitorId"`, or `"!visitorId"` for anonymous visitors only.
    func identified(_ value: PipelineValue) throws(PipelineError) -> PipelineStage {
        guard var text = value.string else { throw failure("identified", "must name the visitor field, e.g. \"visitorId\" (\"!visitorId\" keeps anonymous ones)") }
        let invert = text.hasPrefix("!")
        if invert { text.removeFirst() }
        return .identified(try path(.string(text), field: "identified"), keepIdentified: !invert)
    }

    func lookups(_ value: PipelineValue, kinds: [PipelineStage.Lookup.Kind]) throws(PipelineError) -> [PipelineStage.Lookup] {
        let names = kinds.map(\.rawValue).joined(separator: "|")
        guard let object = value.object, !object.isEmpty else { throw failure(name, "must be {\"out\": {\"\(names)\": \"idField\"}}") }
        var out: [PipelineStage.Lookup] = []
        for key in object.keys.sorted() {
            guard let target = Self.fieldPath(key) else { throw failure("\(name).\(key)", "is not a field name") }
            guard let spec = object[key]!.object, spec.count == 1, let (kindName, idField) = spec.first,
                  let kind = PipelineStage.Lookup.Kind(rawValue: kindName), kinds.contains(kind) else {
                throw failure("\(name).\(key)", "must be {\"\(names)\": \"idField\"}")
            }
            out.append(.init(output: target, kind: kind, idField: try path(idField, field: "\(name).\(key).\(kindName)")))
        }
        return out
    }

    func itemSeen(_ value: PipelineValue) throws(PipelineError) -> PipelineStage {
        let kinds = PipelineStage.ItemKind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let object = value.object, object.count == 1, let (key, spec) = object.first, let target = Self.fieldPath(key) else {
            throw failure("itemSeen", "must be {\"out\": {\"pageId\"|\"featureId\"|\"trackTypeId\": \"<id>\"}}")
        }
        guard let inner = spec.object, inner.count == 1, let (kindName, id) = inner.first, let kind = PipelineStage.ItemKind(rawValue: kindName) else {
            throw failure("itemSeen.\(key)", "names exactly one of \(kinds) and its id")
        }
        return .itemSeen(output: target, item: kind, id: try text(id, field: "itemSeen.\(key).\(kindName)"))
    }

    func segmentID(_ value: PipelineValue, field: String) throws(PipelineError) -> String {
        guard let object = value.object, let id = object["id"], object.count == 1 else { throw failure(field, "must be {\"id\": \"<segmentId>\"}") }
        return try text(id, field: "\(field).id")
    }

    /// `{"out": "in"}` pairs (useragent, merge's mappings).
    func mappings(_ value: PipelineValue, field: String) throws(PipelineError) -> [PipelineStage.Mapping] {
        guard let object = value.object else { throw failure(field, "must be an object of output field to input field") }
        var out: [PipelineStage.Mapping] = []
        for key in object.keys.sorted() {
            guard let target = Self.fieldPath(key) else { throw failure("\(field).\(key)", "is not a field name") }
            out.append(.init(output: target, input: try path(object[key]!, field: "\(field).\(key)")))
        }
        return out
    }

    func unwind(_ value: PipelineValue) throws(PipelineError) -> PipelineStage {
        guard let object = value.object, let field = object["field"] else { throw failure("unwind.field", "is required: the list field to unwind") }
        for key in object.keys.sorted() where !["field", "index", "keepEmpty", "prefix"].contains(key) {
            throw failure("unwind.\(key)", "is not an unwind key (field, index, keepEmpty, prefix)")
        }
        func flag(_ key: String) throws(PipelineError) -> Bool {
            guard let v = object[key], !v.isNull else { return false }
            guard let b = v.bool else { throw failure("unwind.\(key)", "must be true or false") }
            return b
        }
        let index = try object["index"].map { v throws(PipelineError) in try path(v, field: "unwind.index") }
        return .unwind(field: try path(field, field: "unwind.field"), index: index, keepEmpty: try flag("keepEmpty"), prefix: try flag("prefix"))
    }

    static let switchOperators: [String: PipelineExpression.BinaryOperator] = ["<": .less, "<=": .lessOrEqual, ">": .greater, ">=": .greaterOrEqual, "==": .equal, "!=": .notEqual]

    func switchRules(_ value: PipelineValue) throws(PipelineError) -> [PipelineStage.SwitchRule] {
        let shape = "{\"out\": {\"in\": [{\"value\": V, \"<\": 10}, ...]}}"
        guard let object = value.object, !object.isEmpty else { throw failure("switch", "must be \(shape)") }
        var rules: [PipelineStage.SwitchRule] = []
        for key in object.keys.sorted() {
            guard let target = Self.fieldPath(key), let inner = object[key]!.object, inner.count == 1, let (inputName, casesValue) = inner.first,
                  let input = Self.fieldPath(inputName), let list = casesValue.list, !list.isEmpty else {
                throw failure("switch.\(key)", "must be \(shape)")
            }
            var cases: [PipelineStage.SwitchRule.Case] = []
            for (i, item) in list.enumerated() {
                let at = "switch.\(key).\(inputName)[\(i)]"
                guard let fields = item.object, let result = fields["value"] else { throw failure(at, "each case has a value and conditions") }
                var conditions: [PipelineStage.SwitchRule.Condition] = []
                for op in fields.keys.sorted() where op != "value" {
                    guard let binary = Self.switchOperators[op] else { throw failure("\(at).\(op)", "is not a condition (<, <=, >, >=, ==, !=)") }
                    conditions.append(.init(op: binary, operand: fields[op]!))
                }
                cases.append(.init(value: result, conditions: conditions))
            }
            rules.append(.init(output: target, input: input, cases: cases))
        }
        return rules
    }

    func join(_ value: PipelineValue) throws(PipelineError) -> PipelineStage {
        guard let object = value.object, let list = object["fields"]?.list, !list.isEmpty else { throw failure("join.fields", "is required: the fields rows are joined on") }
        for key in object.keys.sorted() where !["fields", "width"].contains(key) { throw failure("join.\(key)", "is not a join key (fields, width)") }
        var fields: [FieldPath] = []
        for item in list { fields.append(try path(item, field: "join.fields")) }
        var width: Int?
        if let w = object["width"], !w.isNull {
            guard let n = w.integer, n >= 1, n <= 1_000_000 else { throw failure("join.width", "must be a whole number from 1 to 1,000,000") }
            width = n
        }
        return .join(fields: fields, width: width)
    }

    func merge(_ value: PipelineValue) throws(PipelineError) -> ([FieldPath], [PipelineStage.Mapping]?, PipelineValue) {
        guard let object = value.object else { throw failure("merge", "must be {\"fields\": [...], \"mappings\": {...}, \"pipeline\": [...]}") }
        for key in object.keys.sorted() where !["fields", "mappings", "pipeline"].contains(key) { throw failure("merge.\(key)", "is not a merge key (fields, mappings, pipeline)") }
        guard let list = object["fields"]?.list, !list.isEmpty else { throw failure("merge.fields", "is required: the fields rows are matched on") }
        var fields: [FieldPath] = []
        for item in list { fields.append(try path(item, field: "merge.fields")) }
        let mappings = try object["mappings"].map { v throws(PipelineError) in try self.mappings(v, field: "merge.mappings") }
        guard let pipeline = object["pipeline"] else { throw failure("merge.pipeline", "is required: the pipeline whose rows are merged in") }
        return (fields, mappings, pipeline)
    }
}
