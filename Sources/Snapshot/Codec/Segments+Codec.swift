import Runtime

/// Segment rules and the segment store as bytes, for the WAL and snapshots.
extension SegmentRule {
    public func encode(into w: inout BinaryWriter) {
        func days(_ n: Int?) { w.write(Int32(n ?? -1)) }
        switch self {
        case .didEvent(let event, let within, let filters):
            w.write(UInt8(1)); w.write(event); days(within); Self.encode(filters, into: &w)
        case .didNotEvent(let event, let within):
            w.write(UInt8(2)); w.write(event); days(within)
        case .eventCount(let event, let comparison, let value, let within):
            w.write(UInt8(3)); w.write(event); w.write(comparison.rawValue); w.write(Int64(value)); days(within)
        case .userProperty(let filter):
            w.write(UInt8(4)); Self.encode([filter], into: &w)
        case .accountProperty(let filter):
            w.write(UInt8(5)); Self.encode([filter], into: &w)
        case .firstSeen(let within):
            w.write(UInt8(6)); days(within)
        case .lastSeen(let before):
            w.write(UInt8(7)); days(before)
        case .inSegment(let id):
            w.write(UInt8(8)); w.write(Int64(id))
        case .all(let rules):
            w.write(UInt8(9)); w.write(UInt32(rules.count)); for r in rules { r.encode(into: &w) }
        case .any(let rules):
            w.write(UInt8(10)); w.write(UInt32(rules.count)); for r in rules { r.encode(into: &w) }
        case .not(let rule):
            w.write(UInt8(11)); rule.encode(into: &w)
        case .visitorList(let ids):
            w.write(UInt8(12)); Self.encode(ids, into: &w)
        }
    }

    public static func decode(from r: inout BinaryReader, depth: Int = 0) -> SegmentRule? {
        guard depth < 64, let kind = r.read(UInt8.self) else { return nil }
        func days() -> Int?? { r.read(Int32.self).map { $0 < 0 ? nil : Int($0) } }
        switch kind {
        case 1:
            guard let event = r.readString(), let within = days(), let filters = decodeFilters(from: &r) else { return nil }
            return .didEvent(event: event, withinDays: within, filters: filters)
        case 2:
            guard let event = r.readString(), let within = days() else { return nil }
            return .didNotEvent(event: event, withinDays: within)
        case 3:
            guard let event = r.readString(), let symbol = r.readString(), let comparison = CountComparison(rawValue: symbol),
                  let value = r.read(Int64.self), let within = days() else { return nil }
            return .eventCount(event: event, comparison: comparison, value: Int(value), withinDays: within)
        case 4, 5:
            guard let filters = decodeFilters(from: &r), filters.count == 1 else { return nil }
            return kind == 4 ? .userProperty(filters[0]) : .accountProperty(filters[0])
        case 6, 7:
            guard let n = days(), let n else { return nil }
            return kind == 6 ? .firstSeen(withinDays: n) : .lastSeen(beforeDays: n)
        case 8:
            return r.read(Int64.self).map { .inSegment(id: Int($0)) }
        case 9, 10:
            guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
            var rules: [SegmentRule] = []
            for _ in 0..<count {
                guard let rule = decode(from: &r, depth: depth + 1) else { return nil }
                rules.append(rule)
            }
            return kind == 9 ? .all(rules) : .any(rules)
        case 11:
            return decode(from: &r, depth: depth + 1).map { .not($0) }
        case 12:
            return decodeIDs(from: &r).map { .visitorList($0) }
        default:
            return nil
        }
    }

    /// A set of ids, sorted so that the same set always gives the same bytes.
    static func encode(_ ids: Set<String>, into w: inout BinaryWriter) {
        w.write(UInt32(ids.count))
        for id in ids.sorted() { w.write(id) }
    }

    static func decodeIDs(from r: inout BinaryReader) -> Set<String>? {
        guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
        var ids = Set<String>(minimumCapacity: Int(count))
        for _ in 0..<count {
            guard let id = r.readString() else { return nil }
            ids.insert(id)
        }
        return ids
    }

    static func encode(_ filters: [PropertyFilter], into w: inout BinaryWriter) {
        w.write(UInt32(filters.count))
        for f in filters {
            w.write(f.property); w.write(f.op.rawValue); w.write(UInt32(f.values.count))
            for v in f.values { w.write(v) }
        }
    }

    static func decodeFilters(from r: inout BinaryReader) -> [PropertyFilter]? {
        guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
        var filters: [PropertyFilter] = []
        for _ in 0..<count {
            guard let property = r.readString(), let opName = r.readString(), let op = PropertyFilter.Op(rawValue: opName),
                  let valueCount = r.read(UInt32.self), Int(valueCount) <= r.remaining else { return nil }
            var values: [String] = []
            for _ in 0..<valueCount {
                guard let v = r.readString() else { return nil }
                values.append(v)
            }
            filters.append(PropertyFilter(property: property, op: op, values: values))
        }
        return filters
    }

    public static func encode(_ rules: [SegmentRule], into w: inout BinaryWriter) {
        w.write(UInt32(rules.count)); for rule in rules { rule.encode(into: &w) }
    }

    public static func decodeList(from r: inout BinaryReader) -> [SegmentRule]? {
        guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
        var rules: [SegmentRule] = []
        for _ in 0..<count {
            guard let rule = decode(from: &r) else { return nil }
            rules.append(rule)
        }
        return rules
    }
}

extension Segments {
    func encode(into w: inout BinaryWriter) {
        w.write(Int64(nextID))
        w.write(UInt32(folders.count)); for f in folders { w.write(f) }
        w.write(UInt32(byID.count))
        for (id, s) in byID.sorted(by: { $0.key < $1.key }) {
            w.write(Int64(id)); w.write(s.name); w.write(UInt8(s.folder == nil ? 0 : 1)); w.write(s.folder ?? "")
            w.write(UInt8(s.isStatic ? 1 : 0)); SegmentRule.encode(s.rules, into: &w)
            w.write(s.createdMs); w.write(s.updatedMs); w.write(bitmap: s.members)
        }
    }

    /// Section `segmentDetails`: `u32` count, then per segment with an owner or description, by id:
    /// `i64` id, optional owner, optional description. Kept apart from the segments section so
    /// snapshots written before owners were kept still load.
    func encodeDetails(into w: inout BinaryWriter) {
        let detailed = byID.values.filter { $0.owner != nil || $0.description != nil }.sorted { $0.id < $1.id }
        func optional(_ text: String?) { w.write(UInt8(text == nil ? 0 : 1)); w.write(text ?? "") }
        w.write(UInt32(detailed.count))
        for s in detailed { w.write(Int64(s.id)); optional(s.owner); optional(s.description) }
    }

    /// The segments section must be decoded before this one; an id it does not hold is damage.
    mutating func decodeDetails(from r: inout BinaryReader) -> Bool {
        func optional() -> String?? {
            guard let present = r.read(UInt8.self), present <= 1, let text = r.readString() else { return nil }
            return .some(present == 1 ? text : nil)
        }
        guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return false }
        for _ in 0..<count {
            guard let id = r.read(Int64.self), let owner = optional(), let description = optional(),
                  let key = Int(exactly: id), byID[key] != nil else { return false }
            byID[key]!.owner = owner
            byID[key]!.description = description
        }
        return true
    }

    static func decode(from r: inout BinaryReader) -> Segments? {
        var segments = Segments()
        guard let next = r.read(Int64.self), let folderCount = r.read(UInt32.self), Int(folderCount) <= r.remaining else { return nil }
        segments.nextID = Int(next)
        for _ in 0..<folderCount {
            guard let f = r.readString() else { return nil }
            segments.folders.append(f)
        }
        guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
        for _ in 0..<count {
            guard let id = r.read(Int64.self), let name = r.readString(), let hasFolder = r.read(UInt8.self), let folder = r.readString(),
                  let isStatic = r.read(UInt8.self), let rules = SegmentRule.decodeList(from: &r), let created = r.read(Int64.self),
                  let updated = r.read(Int64.self), let members = r.readBitmap() else { return nil }
            segments.byID[Int(id)] = Segment(id: Int(id), name: name, folder: hasFolder == 1 ? folder : nil, isStatic: isStatic == 1,
                                             rules: rules, createdMs: created, updatedMs: updated, members: members)
        }
        return segments
    }
}
