/// The engagement stages' parameters (the seed's PES, Adoption, Growth and Stickiness examples).
extension StageReader {
    static let metricKeys: Set<String> = ["appId", "account", "firstDay", "lastDay", "dayCount", "groupBy", "identified", "blacklist", "segment", "config"]

    mutating func metric(_ kind: PipelineMetric.Kind, _ value: PipelineValue) throws(PipelineError) -> PipelineMetric {
        let at = kind.rawValue
        guard let object = value.object else { throw failure(at, "must be an object with appId, firstDay and lastDay or dayCount") }
        for key in object.keys.sorted() where !Self.metricKeys.contains(key) {
            throw failure("\(at).\(key)", "is not a parameter of \(at) (\(Self.metricKeys.sorted().joined(separator: ", ")))")
        }
        if let app = object["appId"] { _ = try appIDs(app, field: "\(at).appId") }
        guard let firstValue = object["firstDay"] else { throw failure("\(at).firstDay", "is required: a day, e.g. \"now()\" or \"date(\\\"2022-04-01\\\")\"") }
        var calendar = environment.calendar
        let first = calendar.day(of: try time(firstValue, field: "\(at).firstDay"))
        var range: (DayNumber, DayNumber)
        switch (object["lastDay"], object["dayCount"]) {
        case (.some, .some): throw failure("\(at).dayCount", "give lastDay or dayCount, not both")
        case (nil, nil): throw failure("\(at).dayCount", "give lastDay or dayCount")
        case (let last?, nil):
            let lastDay = calendar.day(of: try time(last, field: "\(at).lastDay"))
            guard lastDay >= first else { throw failure("\(at).lastDay", "is before firstDay") }
            range = (first, lastDay)
        case (nil, let count?):
            guard let n = count.integer, n != 0, abs(n) <= PipelineParser.maximumDays else {
                throw failure("\(at).dayCount", "must be a whole number of days other than 0, within ±\(PipelineParser.maximumDays)")
            }
            // As in timeSeries: a negative count ends the day before firstDay.
            range = n > 0 ? (first, first + DayNumber(n - 1)) : (first + DayNumber(n), first - 1)
        }
        guard Int(range.1 - range.0) < PipelineParser.maximumDays else { throw failure("\(at).lastDay", "spans more than \(PipelineParser.maximumDays) days") }
        var metric = PipelineMetric(kind: kind, firstDay: range.0, lastDay: range.1)
        if let account = object["account"], !account.isNull { metric.account = try text(account, field: "\(at).account") }
        if let group = object["groupBy"], !group.isNull {
            guard group.string == "account" else { throw failure("\(at).groupBy", "must be \"account\"") }
            metric.groupByAccount = true
        }
        if let identified = object["identified"], !identified.isNull {
            guard identified.string == "visitorId" else { throw failure("\(at).identified", "must be \"visitorId\"") }
            metric.identifiedOnly = true
        }
        if let mode = object["blacklist"], !mode.isNull, mode.string.flatMap(PipelineSource.Blacklist.init) == nil {
            throw failure("\(at).blacklist", "must be \"apply\", \"ignore\" or \"only\"")
        }
        if let segment = object["segment"], !segment.isNull { metric.segment = try segmentID(segment, field: "\(at).segment") }
        if let config = object["config"], !config.isNull {
            guard let fields = config.object else { throw failure("\(at).config", "must be an object") }
            if kind == .pes {
                for key in fields.keys.sorted() where !["stickiness", "adoption", "growth"].contains(key) {
                    throw failure("\(at).config.\(key)", "is not a PES part (stickiness, adoption, growth)")
                }
                for part in [PipelineMetric.Kind.stickiness, .adoption, .growth] {
                    if let body = fields[part.rawValue], !body.isNull { try readConfig(part, body, into: &metric, field: "\(at).config.\(part.rawValue)") }
                }
            } else {
                try readConfig(kind, config, into: &metric, field: "\(at).config")
            }
        }
        return metric
    }

    private func readConfig(_ part: PipelineMetric.Kind, _ value: PipelineValue, into metric: inout PipelineMetric, field: String) throws(PipelineError) {
        guard let fields = value.object else { throw failure(field, "must be an object") }
        let allowed: Set<String> = switch part {
        case .stickiness: ["userBase", "numerator", "denominator", "excludeWeekends"]
        case .adoption: ["userBase", "productAreaIds", "events"]
        case .growth: ["userBase"]
        case .pes: []
        }
        for key in fields.keys.sorted() where !allowed.contains(key) { throw failure("\(field).\(key)", "is not a \(part.rawValue) setting (\(allowed.sorted().joined(separator: ", ")))") }
        var base = PipelineMetric.UserBase.visitors
        if let value = fields["userBase"], !value.isNull {
            guard let text = value.string, let parsed = PipelineMetric.UserBase(rawValue: text) else { throw failure("\(field).userBase", "must be \"visitors\" or \"accounts\"") }
            base = parsed
        }
        switch part {
        case .stickiness:
            metric.stickinessBase = base
            for (key, keyPath) in [("numerator", \PipelineMetric.numerator), ("denominator", \PipelineMetric.denominator)] {
                guard let value = fields[key], !value.isNull else { continue }
                guard let text = value.string, let span = PipelineMetric.Span(rawValue: text) else { throw failure("\(field).\(key)", "must be \"daily\", \"weekly\" or \"monthly\"") }
                metric[keyPath: keyPath] = span
            }
            guard metric.numerator.days < metric.denominator.days else { throw failure("\(field).denominator", "must be a longer span than the numerator") }
            if let value = fields["excludeWeekends"], !value.isNull {
                guard let flag = value.bool else { throw failure("\(field).excludeWeekends", "must be true or false") }
                metric.excludeWeekends = flag
            }
        case .adoption:
            metric.adoptionBase = base
            if let areas = fields["productAreaIds"], !areas.isNull {
                guard let list = areas.list, list.allSatisfy({ $0.string != nil }) else { throw failure("\(field).productAreaIds", "must be a list of product area ids") }
                metric.productAreaIDs = list.map { $0.string! }
            }
            if let events = fields["events"], !events.isNull {
                guard let list = events.list else { throw failure("\(field).events", "must be a list of {\"kind\": \"page\"|\"feature\"|\"trackEvent\", \"id\": \"…\"}") }
                for (i, item) in list.enumerated() {
                    guard let spec = item.object, let kindText = spec["kind"]?.string, let kind = PipelineMetric.CoreEvent.Kind(rawValue: kindText), let id = spec["id"] else {
                        throw failure("\(field).events[\(i)]", "must be {\"kind\": \"page\"|\"feature\"|\"trackEvent\", \"id\": \"…\"}")
                    }
                    metric.coreEvents.append(.init(kind: kind, id: try text(id, field: "\(field).events[\(i)].id")))
                }
            }
        case .growth: metric.growthBase = base
        case .pes: break
        }
    }
}
