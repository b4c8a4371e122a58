import Runtime

/// The WAL payload of a segment edit: a kind byte, then the kind's fields. Kinds 5 and 6 are 1 and 2
/// followed by the owner and description; an edit without them is still written as 1 or 2, so
/// records written before owners were kept and records written now read alike.
extension SegmentEdit {
    func encode(into w: inout BinaryWriter) {
        func optional(_ text: String?) { w.write(UInt8(text == nil ? 0 : 1)); w.write(text ?? "") }
        switch self {
        case .create(let id, let name, let folder, let isStatic, let rules, let nowMs, let owner, let description):
            let detailed = owner != nil || description != nil
            w.write(UInt8(detailed ? 5 : 1)); w.write(Int64(id)); w.write(name); optional(folder); w.write(UInt8(isStatic ? 1 : 0))
            SegmentRule.encode(rules, into: &w); w.write(nowMs)
            if detailed { optional(owner); optional(description) }
        case .update(let id, let name, let folder, let rules, let nowMs, let description):
            w.write(UInt8(description == nil ? 2 : 6)); w.write(Int64(id)); optional(name)
            w.write(UInt8(folder == nil ? 0 : 1)); optional(folder ?? nil)
            w.write(UInt8(rules == nil ? 0 : 1)); SegmentRule.encode(rules ?? [], into: &w); w.write(nowMs)
            if let description { optional(description) }
        case .delete(let id):
            w.write(UInt8(3)); w.write(Int64(id))
        case .createFolder(let name):
            w.write(UInt8(4)); w.write(name)
        case .editVisitors(let id, let replacing, let adding, let removing, let nowMs):
            w.write(UInt8(7)); w.write(Int64(id)); w.write(UInt8(replacing == nil ? 0 : 1))
            if let replacing { SegmentRule.encode(replacing, into: &w) }
            w.write(UInt32(adding.count)); for v in adding { w.write(v) }
            w.write(UInt32(removing.count)); for v in removing { w.write(v) }
            w.write(nowMs)
        }
    }

    static func decode(from r: inout BinaryReader) -> SegmentEdit? {
        func optional() -> String?? {
            guard let present = r.read(UInt8.self), let text = r.readString() else { return nil }
            return .some(present == 1 ? text : nil)
        }
        guard let kind = r.read(UInt8.self) else { return nil }
        switch kind {
        case 1, 5:
            guard let id = r.read(Int64.self), let name = r.readString(), let folder = optional(), let isStatic = r.read(UInt8.self),
                  let rules = SegmentRule.decodeList(from: &r), let nowMs = r.read(Int64.self) else { return nil }
            var owner: String?, description: String?
            if kind == 5 {
                guard let o = optional(), let d = optional() else { return nil }
                owner = o; description = d
            }
            return .create(id: Int(id), name: name, folder: folder, isStatic: isStatic == 1, rules: rules, nowMs: nowMs, owner: owner, description: description)
        case 2, 6:
            guard let id = r.read(Int64.self), let name = optional(), let hasFolder = r.read(UInt8.self), let folder = optional(),
                  let hasRules = r.read(UInt8.self), let rules = SegmentRule.decodeList(from: &r), let nowMs = r.read(Int64.self) else { return nil }
            var description: String??
            if kind == 6 {
                guard let d = optional() else { return nil }
                description = .some(d)
            }
            return .update(id: Int(id), name: name, folder: hasFolder == 1 ? .some(folder) : nil, rules: hasRules == 1 ? rules : nil, nowMs: nowMs,
                           description: description)
        case 3:
            return r.read(Int64.self).map { .delete(id: Int($0)) }
        case 4:
            return r.readString().map { .createFolder(name: $0) }
        case 7:
            func list() -> [String]? {
                guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
                var values: [String] = []
                for _ in 0..<count {
                    guard let v = r.readString() else { return nil }
                    values.append(v)
                }
                return values
            }
            guard let id = r.read(Int64.self), let hasReplacing = r.read(UInt8.self) else { return nil }
            var replacing: Set<String>?
            if hasReplacing == 1 {
                guard let ids = SegmentRule.decodeIDs(from: &r) else { return nil }
                replacing = ids
            }
            guard let adding = list(), let removing = list(), let nowMs = r.read(Int64.self) else { return nil }
            return .editVisitors(id: Int(id), replacing: replacing, adding: adding, removing: removing, nowMs: nowMs)
        default:
            return nil
        }
    }
}
