import Runtime

/// The data catalog and its edits in bytes (docs/wal-format.md, type 20; snapshot section 29).
extension DataCatalog {
    func encode(into w: inout BinaryWriter) {
        w.write(Int32(retentionDays ?? -1))
        w.write(UInt32(archivedTypes.count))
        for type in archivedTypes.sorted() { w.write(type) }
        w.write(UInt32(propertyMeta.count))
        for (key, meta) in propertyMeta.sorted(by: { $0.key < $1.key }) { w.write(key); meta.encode(into: &w) }
        w.write(bytes: privacyKey)
    }

    static func decode(from r: inout BinaryReader) -> DataCatalog? {
        guard let retention = r.read(Int32.self), (-1...Int32(DataCatalog.maxRetentionDays)).contains(retention),
              let typeCount = r.read(UInt32.self), Int(typeCount) <= r.remaining else { return nil }
        var catalog = DataCatalog()
        catalog.retentionDays = retention < 0 ? nil : Int(retention)
        for _ in 0..<typeCount {
            guard let type = r.readString() else { return nil }
            catalog.archivedTypes.insert(type)
        }
        guard let metaCount = r.read(UInt32.self), Int(metaCount) <= r.remaining else { return nil }
        for _ in 0..<metaCount {
            guard let key = r.readString(), let meta = PropertyMeta.decode(from: &r) else { return nil }
            catalog.propertyMeta[key] = meta
        }
        guard let key = r.readBytes(), key.isEmpty || key.count == 32 else { return nil }
        catalog.privacyKey = Array(key)
        return catalog
    }
}

extension PropertyMeta {
    func encode(into w: inout BinaryWriter) { w.write(status.rawValue); w.write(description) }

    static func decode(from r: inout BinaryReader) -> PropertyMeta? {
        guard let name = r.readString(), let status = Status(rawValue: name), let description = r.readString() else { return nil }
        return PropertyMeta(status: status, description: description)
    }
}

extension DataEdit {
    func encode(into w: inout BinaryWriter) {
        func optional(_ text: String?) { w.write(UInt8(text == nil ? 0 : 1)); w.write(text ?? "") }
        switch self {
        case .retention(let days): w.write(UInt8(1)); w.write(Int32(clamping: days))
        case .archive(let type, let archived): w.write(UInt8(2)); w.write(type); w.write(UInt8(archived ? 1 : 0))
        case .propertyMeta(let key, let meta): w.write(UInt8(3)); w.write(key); meta.encode(into: &w)
        case .renameType(let old, let new): w.write(UInt8(4)); w.write(old); w.write(new)
        case .rewrite(let rewrite, let nowMs):
            w.write(UInt8(5)); w.write(nowMs)
            switch rewrite {
            case .delete(let type, let beforeMs):
                w.write(UInt8(1)); optional(type); w.write(UInt8(beforeMs == nil ? 0 : 1)); w.write(beforeMs ?? 0)
            case .mergeTypes(let source, let target): w.write(UInt8(2)); w.write(source); w.write(target)
            case .mergeProperties(let type, let source, let target): w.write(UInt8(3)); optional(type); w.write(source); w.write(target)
            case .deleteUsers(let names): w.write(UInt8(4)); w.write(UInt32(names.count)); for n in names { w.write(n) }
            case .deleteAccounts(let names): w.write(UInt8(5)); w.write(UInt32(names.count)); for n in names { w.write(n) }
            case .deleteEvents(let ids): w.write(UInt8(6)); w.write(array: ids.map { Int64($0) })
            }
        case .privacyKey(let key): w.write(UInt8(6)); w.write(bytes: key)
        case .anonymize(let user, let name, let nowMs): w.write(UInt8(7)); w.write(user); w.write(name); w.write(nowMs)
        }
    }

    static func decode(from r: inout BinaryReader) -> DataEdit? {
        func optional() -> String?? {
            guard let has = r.read(UInt8.self), has <= 1, let text = r.readString() else { return nil }
            return .some(has == 1 ? text : nil)
        }
        switch r.read(UInt8.self) {
        case 1:
            guard let days = r.read(Int32.self), (0...Int32(DataCatalog.maxRetentionDays)).contains(days) else { return nil }
            return .retention(days: Int(days))
        case 2:
            guard let type = r.readString(), let archived = r.read(UInt8.self), archived <= 1 else { return nil }
            return .archive(eventType: type, archived: archived == 1)
        case 3:
            guard let key = r.readString(), let meta = PropertyMeta.decode(from: &r) else { return nil }
            return .propertyMeta(key: key, meta)
        case 4:
            guard let old = r.readString(), let new = r.readString() else { return nil }
            return .renameType(old: old, new: new)
        case 5:
            guard let nowMs = r.read(Int64.self) else { return nil }
            switch r.read(UInt8.self) {
            case 1:
                guard let type = optional(), let hasBefore = r.read(UInt8.self), hasBefore <= 1, let before = r.read(Int64.self) else { return nil }
                return .rewrite(.delete(eventType: type, beforeMs: hasBefore == 1 ? before : nil), nowMs: nowMs)
            case 2:
                guard let source = r.readString(), let target = r.readString() else { return nil }
                return .rewrite(.mergeTypes(source: source, target: target), nowMs: nowMs)
            case 3:
                guard let type = optional(), let source = r.readString(), let target = r.readString() else { return nil }
                return .rewrite(.mergeProperties(eventType: type, source: source, target: target), nowMs: nowMs)
            case let kind? where kind == 4 || kind == 5:
                guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
                var names: [String] = []
                for _ in 0..<count {
                    guard let n = r.readString() else { return nil }
                    names.append(n)
                }
                return .rewrite(kind == 4 ? .deleteUsers(names) : .deleteAccounts(names), nowMs: nowMs)
            case 6:
                guard let ids = r.readArray(Int64.self), ids.allSatisfy({ $0 > 0 }) else { return nil }
                return .rewrite(.deleteEvents(ids.map { Int($0) }), nowMs: nowMs)
            default: return nil
            }
        case 6:
            guard let key = r.readBytes(), key.count == 32 else { return nil }
            return .privacyKey(Array(key))
        case 7:
            guard let user = r.read(UInt32.self), let name = r.readString(), let nowMs = r.read(Int64.self) else { return nil }
            return .anonymize(user: user, name: name, nowMs: nowMs)
        default: return nil
        }
    }
}
