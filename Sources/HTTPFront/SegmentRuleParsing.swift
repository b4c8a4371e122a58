import Runtime

/// Reads segment rules (docs/segments.md) from a body. Every error names the path of the
/// bad node or field, `rules[1].any[0].op`.
enum SegmentRuleParsing {
    static let maxDepth = 16
    static let maxNodes = 500

    static func rules(_ value: JSONValue?, at path: String = "rules") throws -> [SegmentRule] {
        guard let list = value?.array else { throw APIError.badRequest(field: path, "is required (an array of rule nodes)") }
        guard !list.isEmpty else { throw APIError.badRequest(field: path, "needs at least one rule") }
        var budget = maxNodes
        return try list.enumerated().map { try node($1, at: "\(path)[\($0)]", depth: 1, budget: &budget) }
    }

    static func node(_ value: JSONValue, at path: String, depth: Int, budget: inout Int) throws -> SegmentRule {
        budget -= 1
        guard budget >= 0 else { throw APIError.badRequest(field: path, "rules have more than \(maxNodes) nodes") }
        guard depth <= maxDepth else { throw APIError.badRequest(field: path, "rules nest deeper than \(maxDepth) levels") }
        guard let object = value.object else { throw APIError.badRequest(field: path, "must be an object (a rule node)") }
        for combinator in ["all", "any"] {
            guard let inner = object[combinator] else { continue }
            guard let list = inner.array, !list.isEmpty else { throw APIError.badRequest(field: "\(path).\(combinator)", "must be a non-empty array of rule nodes") }
            let nodes = try list.enumerated().map { try node($1, at: "\(path).\(combinator)[\($0)]", depth: depth + 1, budget: &budget) }
            return combinator == "all" ? .all(nodes) : .any(nodes)
        }
        if let inner = object["not"] { return .not(try node(inner, at: "\(path).not", depth: depth + 1, budget: &budget)) }
        guard let type = object["type"]?.string else {
            throw APIError.badRequest(field: "\(path).type", "is required (did_event, did_not_event, event_count, user_property, account_property, first_seen, last_seen, in_segment, visitor_list), or use all/any/not")
        }
        switch type {
        case "did_event":
            return .didEvent(event: try event(object, path), withinDays: try days(object["within_days"], at: "\(path).within_days"),
                             filters: try FilterParsing.filters(object["where"], at: "\(path).where"))
        case "did_not_event":
            return .didNotEvent(event: try event(object, path), withinDays: try days(object["within_days"], at: "\(path).within_days"))
        case "event_count":
            guard let opText = object["op"]?.string, let comparison = SegmentRule.CountComparison(name: opText) else {
                throw APIError.badRequest(field: "\(path).op", "must be one of >=, >, <=, <, =, !=, gte, gt, lte, lt, eq, neq")
            }
            guard let value = object["value"]?.integer, value >= 0 else {
                throw APIError.badRequest(field: "\(path).value", "must be a non-negative integer")
            }
            return .eventCount(event: try event(object, path), comparison: comparison, value: value,
                               withinDays: try days(object["within_days"], at: "\(path).within_days"))
        case "user_property", "account_property":
            let filter = try FilterParsing.filter(value, at: path)
            return type == "user_property" ? .userProperty(filter) : .accountProperty(filter)
        case "first_seen":
            guard let n = try days(object["within_days"], at: "\(path).within_days") else { throw APIError.badRequest(field: "\(path).within_days", "is required") }
            return .firstSeen(withinDays: n)
        case "last_seen":
            guard let n = try days(object["before_days"], at: "\(path).before_days") else { throw APIError.badRequest(field: "\(path).before_days", "is required") }
            return .lastSeen(beforeDays: n)
        case "in_segment":
            guard let id = object["segment_id"]?.integer else { throw APIError.badRequest(field: "\(path).segment_id", "is required (a segment id)") }
            return .inSegment(id: id)
        case "visitor_list":
            guard let list = object["visitors"]?.array else { throw APIError.badRequest(field: "\(path).visitors", "is required (an array of user ids)") }
            return .visitorList(Set(try list.enumerated().map { i, v in
                guard let id = v.string, !id.isEmpty, id.utf8.count <= 320 else { throw APIError.badRequest(field: "\(path).visitors[\(i)]", "must be a user id (1 to 320 bytes)") }
                return id
            }))
        default:
            throw APIError.badRequest(field: "\(path).type", "unknown rule type '\(type)'")
        }
    }

    private static func event(_ object: [String: JSONValue], _ path: String) throws -> String {
        guard let event = object["event"]?.string, !event.isEmpty else { throw APIError.badRequest(field: "\(path).event", "is required (an event type)") }
        return event
    }

    /// 1 to 3650 whole days; null or absent is nil.
    static func days(_ value: JSONValue?, at path: String) throws -> Int? {
        guard let value, !value.isNull else { return nil }
        guard let n = value.integer, (1...3650).contains(n) else { throw APIError.badRequest(field: path, "must be a whole number of days from 1 to 3650") }
        return n
    }
}

/// A rule written back as the JSON it was read from.
struct RuleDocument: Encodable {
    let rule: SegmentRule
    typealias Key = AnyCodingKey

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        func filter(_ f: PropertyFilter) throws {
            try c.encode(f.property, forKey: Key("property")); try c.encode(f.op.rawValue, forKey: Key("op"))
            if f.op.takesList { try c.encode(f.values, forKey: Key("value")) } else if f.op.takesValue { try c.encode(f.values.first ?? "", forKey: Key("value")) }
        }
        switch rule {
        case .didEvent(let event, let within, let filters):
            try c.encode("did_event", forKey: Key("type")); try c.encode(event, forKey: Key("event"))
            try c.encodeIfPresent(within, forKey: Key("within_days"))
            if !filters.isEmpty { try c.encode(filters.map(FilterDocument.init), forKey: Key("where")) }
        case .didNotEvent(let event, let within):
            try c.encode("did_not_event", forKey: Key("type")); try c.encode(event, forKey: Key("event")); try c.encodeIfPresent(within, forKey: Key("within_days"))
        case .eventCount(let event, let comparison, let value, let within):
            try c.encode("event_count", forKey: Key("type")); try c.encode(event, forKey: Key("event"))
            try c.encode(comparison.rawValue, forKey: Key("op")); try c.encode(value, forKey: Key("value")); try c.encodeIfPresent(within, forKey: Key("within_days"))
        case .userProperty(let f):
            try c.encode("user_property", forKey: Key("type")); try filter(f)
        case .accountProperty(let f):
            try c.encode("account_property", forKey: Key("type")); try filter(f)
        case .firstSeen(let n):
            try c.encode("first_seen", forKey: Key("type")); try c.encode(n, forKey: Key("within_days"))
        case .lastSeen(let n):
            try c.encode("last_seen", forKey: Key("type")); try c.encode(n, forKey: Key("before_days"))
        case .inSegment(let id):
            try c.encode("in_segment", forKey: Key("type")); try c.encode(id, forKey: Key("segment_id"))
        case .visitorList(let ids):
            try c.encode("visitor_list", forKey: Key("type")); try c.encode(ids.sorted(), forKey: Key("visitors"))
        case .all(let rules): try c.encode(rules.map(RuleDocument.init), forKey: Key("all"))
        case .any(let rules): try c.encode(rules.map(RuleDocument.init), forKey: Key("any"))
        case .not(let inner): try c.encode(RuleDocument(rule: inner), forKey: Key("not"))
        }
    }
}

struct FilterDocument: Encodable {
    let filter: PropertyFilter
    init(_ filter: PropertyFilter) { self.filter = filter }
    enum CodingKeys: String, CodingKey { case property, op, value }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(filter.property, forKey: .property); try c.encode(filter.op.rawValue, forKey: .op)
        if filter.op.takesList { try c.encode(filter.values, forKey: .value) } else if filter.op.takesValue { try c.encode(filter.values.first ?? "", forKey: .value) }
    }
}
