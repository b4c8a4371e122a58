/// Reads a request's `pipeline` (JSON, as `PipelineValue`) into stages, naming the stage, the
/// key and the expression column of the first thing wrong. `timeSeries` and the engagement
/// stages' days are resolved here, against the request's clock and the tenant's zone.
public struct PipelineParser {
    /// At most this many stages in all, inner pipelines included, and this much nesting.
    public static let maximumStages = 1_000
    public static let maximumDepth = 8
    /// At most this many periods in one `timeSeries` (about 11 years of days, 114 of hours).
    public static let maximumPeriods = 4_000
    public static let maximumDays = 4_000

    var environment: PipelineEnvironment
    private var stagesSeen = 0

    public init(environment: PipelineEnvironment) { self.environment = environment }

    public mutating func parse(_ pipeline: PipelineValue) throws(PipelineError) -> [PipelineStage] {
        try parse(pipeline, at: [], field: "pipeline")
    }

    mutating func parse(_ pipeline: PipelineValue, at outer: [Int], field: String) throws(PipelineError) -> [PipelineStage] {
        guard outer.count < Self.maximumDepth else { throw PipelineError(.tooLarge, stage: outer, field: field, "pipelines nest more than \(Self.maximumDepth) deep") }
        guard let items = pipeline.list else { throw PipelineError(stage: outer, field: outer.isEmpty ? nil : field, "must be a list of stages") }
        var stages: [PipelineStage] = []
        for (index, item) in items.enumerated() {
            stagesSeen += 1
            guard stagesSeen <= Self.maximumStages else { throw PipelineError(.tooLarge, stage: outer + [index], "a request holds at most \(Self.maximumStages) stages") }
            stages.append(try stage(item, at: outer + [index]))
        }
        return stages
    }

    private mutating func stage(_ item: PipelineValue, at path: [Int]) throws(PipelineError) -> PipelineStage {
        guard let object = item.object, object.count >= 1 else { throw PipelineError(stage: path, "a stage is an object with one operator key") }
        if object["source"] != nil {
            let extra = object.keys.filter { $0 != "source" }
            guard extra.isEmpty else { throw PipelineError(stage: path, field: extra.sorted()[0], "a stage holds one operator; put timeSeries inside source") }
            return .source(try source(object["source"]!, at: path))
        }
        guard object.count == 1, let (name, body) = object.first else {
            throw PipelineError(stage: path, field: object.keys.sorted()[1], "a stage holds exactly one operator, not \(object.keys.sorted().joined(separator: ", "))")
        }
        var reader = StageReader(path: path, name: name, environment: environment)
        switch name {
        case "limit": return .limit(try reader.count(body))
        case "filter": return .filter(try reader.expression(body, field: name))
        case "select": return .select(try reader.assignments(body))
        case "eval": return .eval(try reader.assignments(body, readOnly: true))
        case "sort": return .sort(try reader.sortKeys(body))
        case "count":
            guard body.isNull else { throw PipelineError(stage: path, field: name, "takes null: {\"count\": null}") }
            return .count
        case "reduce": return .reduce(try reader.aggregates(body, field: name))
        case "group": return try reader.group(body)
        case "identified": return try reader.identified(body)
        case "bulkExpand": return .bulkExpand(try reader.lookups(body, kinds: [.visitor, .account]))
        case "expand": return .expand(try reader.lookups(body, kinds: [.page, .feature, .trackType, .guide, .visitor, .account]))
        case "itemSeen": return try reader.itemSeen(body)
        case "segment": return .segment(id: try reader.segmentID(body, field: name))
        case "useragent": return .useragent(try reader.mappings(body, field: name))
        case "unwind": return try reader.unwind(body)
        case "switch": return .switch(try reader.switchRules(body))
        case "fork", "spawn":
            guard let branches = body.list, !branches.isEmpty else { throw PipelineError(stage: path, field: name, "takes a list of pipelines") }
            var parsed: [[PipelineStage]] = []
            for branch in branches { parsed.append(try parse(branch, at: path, field: name)) }
            if name == "spawn", let empty = parsed.firstIndex(where: { $0.isEmpty || !$0[0].isSource }) {
                throw PipelineError(stage: path, field: "spawn[\(empty)]", "each spawned pipeline begins with a source")
            }
            return name == "fork" ? .fork(parsed) : .spawn(parsed)
        case "join": return try reader.join(body)
        case "merge":
            let (fields, mappings, inner) = try reader.merge(body)
            let pipeline = try parse(inner, at: path, field: "merge.pipeline")
            guard pipeline.first?.isSource == true else { throw PipelineError(stage: path, field: "merge.pipeline", "the inner pipeline begins with a source") }
            return .merge(fields: fields, mappings: mappings, pipeline: pipeline)
        default:
            if let kind = PipelineMetric.Kind(rawValue: name) { return .metric(try reader.metric(kind, body)) }
            throw PipelineError(stage: path, field: name, "is not an operator (\(Self.operatorNames.joined(separator: ", ")))")
        }
    }

    static let operatorNames = ["source", "limit", "filter", "select", "sort", "count", "reduce", "group", "eval", "identified", "bulkExpand",
                                "expand", "itemSeen", "segment", "useragent", "unwind", "switch", "fork", "spawn", "join", "merge",
                                "pes", "adoption", "growth", "stickiness"]

    private func source(_ body: PipelineValue, at path: [Int]) throws(PipelineError) -> PipelineSource {
        guard let object = body.object else { throw PipelineError(stage: path, field: "source", "must be an object: {\"<source>\": params, \"timeSeries\": {...}}") }
        let names = object.keys.filter { $0 != "timeSeries" }.sorted()
        guard names.count == 1, let kind = PipelineSource.Kind(rawValue: names[0]) else {
            let given = names.isEmpty ? "none" : names.joined(separator: ", ")
            throw PipelineError(stage: path, field: "source", "names one source (\(PipelineSource.Kind.allCases.map(\.rawValue).joined(separator: ", "))), not \(given)")
        }
        var source = PipelineSource(kind: kind)
        let field = "source.\(kind.rawValue)"
        let params = object[kind.rawValue]!
        if !params.isNull {
            guard let given = params.object else { throw PipelineError(stage: path, field: field, "takes null or an object of parameters") }
            for key in given.keys.sorted() where !kind.parameters.contains(key) {
                throw PipelineError(stage: path, field: "\(field).\(key)", "is not a parameter of \(kind.rawValue) (\(kind.parameters.sorted().joined(separator: ", ")))")
            }
            try read(given, into: &source, at: path, field: field)
        }
        if kind.needsTimeSeries {
            guard let series = object["timeSeries"] else { throw PipelineError(stage: path, field: "source.timeSeries", "is required for \(kind.rawValue)") }
            source.timeSeries = try timeSeries(series, at: path)
        } else if object["timeSeries"] != nil {
            throw PipelineError(stage: path, field: "source.timeSeries", "\(kind.rawValue) takes no timeSeries")
        }
        return source
    }

    private func read(_ given: [String: PipelineValue], into source: inout PipelineSource, at path: [Int], field: String) throws(PipelineError) {
        var reader = StageReader(path: path, name: field, environment: environment)
        if let app = given["appId"] { source.appIDs = try reader.appIDs(app, field: "\(field).appId") }
        if let value = given["blacklist"] {
            guard let text = value.string, let mode = PipelineSource.Blacklist(rawValue: text) else {
                throw PipelineError(stage: path, field: "\(field).blacklist", "must be \"apply\", \"ignore\" or \"only\"")
            }
            source.blacklist = mode
        }
        let idKeys = source.kind.idParameters.filter { given[$0] != nil && given[$0]?.isNull == false }
        if idKeys.count > 1 { throw PipelineError(stage: path, field: "\(field).\(idKeys[1])", "give \(idKeys[0]) or \(idKeys[1]), not both") }
        if let key = idKeys.first {
            source.objectIDs = try reader.ids(given[key]!, field: "\(field).\(key)")
            if given["appId"] != nil, [.pages, .features, .trackTypes].contains(source.kind) {
                throw PipelineError(stage: path, field: "\(field).appId", "give appId or \(key), not both")
            }
        }
        for key in ["guideStepId", "pollId"] {
            guard let value = given[key], !value.isNull else { continue }
            guard source.objectIDs != nil else { throw PipelineError(stage: path, field: "\(field).\(key)", "needs guideId") }
            source.subID = try reader.text(value, field: "\(field).\(key)")
        }
        if let since = given["since"], !since.isNull { source.sinceMs = try reader.time(since, field: "\(field).since") }
        if let items = given["items"], !items.isNull {
            guard let flag = items.bool else { throw PipelineError(stage: path, field: "\(field).items", "must be true or false") }
            source.groupItems = flag
        }
        if let type = given["groupType"], !type.isNull {
            guard let text = type.string, ["group", "guideCategory"].contains(text) else {
                throw PipelineError(stage: path, field: "\(field).groupType", "must be \"group\" (product areas) or \"guideCategory\"")
            }
            source.groupType = text
        }
    }

    private func timeSeries(_ body: PipelineValue, at path: [Int]) throws(PipelineError) -> PipelineSource.TimeSeries {
        let field = "source.timeSeries"
        guard let object = body.object else { throw PipelineError(stage: path, field: field, "must be an object with period, first and last or count") }
        for key in object.keys.sorted() where !["period", "first", "last", "count"].contains(key) {
            throw PipelineError(stage: path, field: "\(field).\(key)", "is not a timeSeries key (period, first, last, count)")
        }
        guard let name = object["period"]?.string, let period = PipelinePeriod(rawValue: name) else {
            throw PipelineError(stage: path, field: "\(field).period", "must be \"hourRange\", \"dayRange\", \"weekRange\" or \"monthRange\"")
        }
        var reader = StageReader(path: path, name: field, environment: environment)
        guard let firstValue = object["first"] else { throw PipelineError(stage: path, field: "\(field).first", "is required: a time (ms) or an expression such as \"now()\"") }
        let first = try reader.time(firstValue, field: "\(field).first")
        var calendar = environment.calendar
        let firstStart = period.start(of: first, &calendar)
        switch (object["last"], object["count"]) {
        case (.some, .some): throw PipelineError(stage: path, field: "\(field).count", "give last or count, not both")
        case (nil, nil): throw PipelineError(stage: path, field: "\(field).count", "give last or count")
        case (let last?, nil):
            let lastMs = try reader.time(last, field: "\(field).last")
            let lastStart = period.start(of: lastMs, &calendar)
            guard lastStart >= firstStart else { throw PipelineError(stage: path, field: "\(field).last", "is before first") }
            let count = periods(period, from: firstStart, to: lastStart, &calendar) + 1
            guard count <= Self.maximumPeriods else { throw PipelineError(.tooLarge, stage: path, field: "\(field).last", "spans more than \(Self.maximumPeriods) periods") }
            return .init(period: period, firstMs: firstStart, endMs: period.advance(lastStart, by: 1, &calendar), count: count)
        case (nil, let countValue?):
            guard let n = countValue.integer, n != 0 else { throw PipelineError(stage: path, field: "\(field).count", "must be a whole number other than 0") }
            guard abs(n) <= Self.maximumPeriods else { throw PipelineError(.tooLarge, stage: path, field: "\(field).count", "must lie within ±\(Self.maximumPeriods)") }
            // A negative count ends with the period before first's (the seed's rule; its example 5 says otherwise).
            let start = n > 0 ? firstStart : period.advance(firstStart, by: n, &calendar)
            return .init(period: period, firstMs: start, endMs: period.advance(start, by: abs(n), &calendar), count: abs(n))
        }
    }

    private func periods(_ period: PipelinePeriod, from a: Int64, to b: Int64, _ calendar: inout TenantCalendar) -> Int {
        switch period {
        case .hourRange: return Int((b - a) / PipelinePeriod.hourMs)
        case .dayRange: return Int(calendar.day(of: b) - calendar.day(of: a))
        case .weekRange: return Int(calendar.day(of: b) - calendar.day(of: a)) / 7
        case .monthRange: return TenantCalendar.month(of: calendar.day(of: b)) - TenantCalendar.month(of: calendar.day(of: a))
        }
    }
}

extension PipelineStage {
    var isSource: Bool {
        switch self {
        case .source, .spawn, .metric: true
        default: false
        }
    }
}
