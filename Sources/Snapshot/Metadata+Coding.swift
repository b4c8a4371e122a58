import Runtime

/// The metadata store as bytes: WAL type 22 (one edit) and snapshot section 31 (the store).
extension Metadata {
    static func encode(_ field: Field, into w: inout BinaryWriter) {
        w.write(field.name); w.write(field.displayName); w.write(field.type.rawValue); w.write(UInt8(field.deleted ? 1 : 0)); w.write(field.updatedMs)
    }

    static func decodeField(from r: inout BinaryReader) -> Field? {
        guard let name = r.readString(), let display = r.readString(), let type = r.readString().flatMap(FieldType.init(rawValue:)),
              let deleted = r.read(UInt8.self), deleted <= 1, let updatedMs = r.read(Int64.self) else { return nil }
        return Field(name: name, displayName: display, type: type, deleted: deleted == 1, updatedMs: updatedMs)
    }

    /// Fields sorted by key and flagged ids sorted, so one store always gives the same bytes.
    func encode(into w: inout BinaryWriter) {
        let keys = fields.keys.sorted()
        w.write(UInt32(keys.count))
        for key in keys { w.write(key.kind.rawValue); w.write(key.group.rawValue); Self.encode(fields[key]!, into: &w) }
        let flags = Flag.allCases.flatMap { flag in Kind.allCases.map { FlagKey(flag, $0) } }.filter { !(flagged[$0]?.isEmpty ?? true) }
        w.write(UInt32(flags.count))
        for key in flags {
            w.write(key.flag.rawValue); w.write(key.kind.rawValue)
            let ids = flagged[key]!.sorted()
            w.write(UInt32(ids.count)); for id in ids { w.write(id) }
        }
        w.write(UInt32(deletions.count))
        for id in deletions.keys.sorted() { Self.encode(deletions[id]!, into: &w) }
    }

    static func encode(_ d: Deletion, into w: inout BinaryWriter) {
        w.write(Int64(d.id)); w.write(d.kind.rawValue); w.write(UInt32(d.ids.count)); for id in d.ids { w.write(id) }
        w.write(d.requestedMs); w.write(d.completedMs ?? -1); w.write(Int64(d.eventsDeleted))
    }

    static func decodeDeletion(from r: inout BinaryReader) -> Deletion? {
        guard let id = r.read(Int64.self), let kind = r.readString().flatMap(Kind.init(rawValue:)), let n = r.read(UInt32.self), Int(n) <= r.remaining else { return nil }
        var ids: [String] = []
        for _ in 0..<n {
            guard let text = r.readString() else { return nil }
            ids.append(text)
        }
        guard let requested = r.read(Int64.self), let completed = r.read(Int64.self), let events = r.read(Int64.self), events >= 0 else { return nil }
        return Deletion(id: Int(id), kind: kind, ids: ids, requestedMs: requested, completedMs: completed < 0 ? nil : completed, eventsDeleted: Int(events))
    }

    static func decode(from r: inout BinaryReader) -> Metadata? {
        var store = Metadata()
        guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
        for _ in 0..<count {
            guard let kind = r.readString().flatMap(Kind.init(rawValue:)), let group = r.readString().flatMap(Group.init(rawValue:)),
                  let field = decodeField(from: &r) else { return nil }
            store.fields[FieldKey(kind, group, field.name)] = field
        }
        guard let flags = r.read(UInt32.self), Int(flags) <= r.remaining else { return nil }
        for _ in 0..<flags {
            guard let flag = r.readString().flatMap(Flag.init(rawValue:)), let kind = r.readString().flatMap(Kind.init(rawValue:)),
                  let n = r.read(UInt32.self), Int(n) <= r.remaining else { return nil }
            var ids = Set<String>(minimumCapacity: Int(n))
            for _ in 0..<n {
                guard let id = r.readString() else { return nil }
                ids.insert(id)
            }
            store.flagged[FlagKey(flag, kind)] = ids
        }
        guard let deletions = r.read(UInt32.self), Int(deletions) <= r.remaining else { return nil }
        for _ in 0..<deletions {
            guard let d = decodeDeletion(from: &r) else { return nil }
            store.deletions[d.id] = d
        }
        return store
    }
}

extension MetadataEdit {
    func encode(into w: inout BinaryWriter) {
        switch self {
        case .defineFields(let kind, let group, let fields):
            w.write(UInt8(1)); w.write(kind.rawValue); w.write(group.rawValue)
            w.write(UInt32(fields.count)); for f in fields { Metadata.encode(f, into: &w) }
        case .deleteField(let kind, let group, let name, let nowMs):
            w.write(UInt8(2)); w.write(kind.rawValue); w.write(group.rawValue); w.write(name); w.write(nowMs)
        case .setFlag(let flag, let kind, let id, let on):
            w.write(UInt8(3)); w.write(flag.rawValue); w.write(kind.rawValue); w.write(id); w.write(UInt8(on ? 1 : 0))
        case .requestDeletion(let deletion):
            w.write(UInt8(4)); Metadata.encode(deletion, into: &w)
        case .completeDeletion(let id, let atMs, let events):
            w.write(UInt8(5)); w.write(Int64(id)); w.write(atMs); w.write(Int64(events))
        }
    }

    static func decode(from r: inout BinaryReader) -> MetadataEdit? {
        func kind() -> Metadata.Kind? { r.readString().flatMap(Metadata.Kind.init(rawValue:)) }
        func group() -> Metadata.Group? { r.readString().flatMap(Metadata.Group.init(rawValue:)) }
        switch r.read(UInt8.self) {
        case 1:
            guard let kind = kind(), let group = group(), let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
            var fields: [Metadata.Field] = []
            for _ in 0..<count {
                guard let field = Metadata.decodeField(from: &r) else { return nil }
                fields.append(field)
            }
            return .defineFields(kind: kind, group: group, fields: fields)
        case 2:
            guard let kind = kind(), let group = group(), let name = r.readString(), let nowMs = r.read(Int64.self) else { return nil }
            return .deleteField(kind: kind, group: group, name: name, nowMs: nowMs)
        case 3:
            guard let flag = r.readString().flatMap(Metadata.Flag.init(rawValue:)), let kind = kind(), let id = r.readString(),
                  let on = r.read(UInt8.self), on <= 1 else { return nil }
            return .setFlag(flag: flag, kind: kind, id: id, on: on == 1)
        case 4:
            return Metadata.decodeDeletion(from: &r).map { .requestDeletion($0) }
        case 5:
            guard let id = r.read(Int64.self), let atMs = r.read(Int64.self), let events = r.read(Int64.self), events >= 0 else { return nil }
            return .completeDeletion(id: Int(id), atMs: atMs, eventsDeleted: Int(events))
        default:
            return nil
        }
    }
}
