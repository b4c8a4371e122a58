import Runtime

/// Pages, features and groups as bytes: WAL type 23 (one edit) and snapshot section 33 (the
/// store). Rules are kept as their text and parsed again on load.
extension Tagging {
    static func encode(_ page: Page, into w: inout BinaryWriter) {
        w.write(page.id); w.write(page.name); w.write(UInt32(page.rules.count)); for rule in page.rules { w.write(rule.source) }
        w.write(page.createdMs); w.write(page.updatedMs)
    }

    static func decodePage(from r: inout BinaryReader) -> Page? {
        guard let id = r.readString(), let name = r.readString(), let rules = decodeStrings(from: &r),
              let created = r.read(Int64.self), let updated = r.read(Int64.self) else { return nil }
        guard let parsed = try? rules.map({ (text: String) throws(PageRule.Invalid) -> PageRule in try PageRule(text) }) else { return nil }
        return Page(id: id, name: name, rules: parsed, createdMs: created, updatedMs: updated)
    }

    static func encode(_ f: Feature, into w: inout BinaryWriter) {
        w.write(f.id); w.write(f.name)
        w.write(UInt32(f.eventTypes.count)); for t in f.eventTypes { w.write(t) }
        w.write(UInt32(f.selectors.count)); for s in f.selectors { w.write(s.source) }
        w.write(UInt8(f.text == nil ? 0 : 1)); w.write(f.text ?? "")
        let keys = f.properties.keys.sorted()
        w.write(UInt32(keys.count)); for k in keys { w.write(k); w.write(f.properties[k]!) }
        w.write(UInt8(f.pageID == nil ? 0 : 1)); w.write(f.pageID ?? "")
        w.write(f.createdMs); w.write(f.updatedMs)
    }

    static func decodeFeature(from r: inout BinaryReader) -> Feature? {
        guard let id = r.readString(), let name = r.readString(), let types = decodeStrings(from: &r), let selectors = decodeStrings(from: &r),
              let hasText = r.read(UInt8.self), hasText <= 1, let text = r.readString(), let n = r.read(UInt32.self), Int(n) <= r.remaining else { return nil }
        var properties: [String: String] = [:]
        for _ in 0..<n {
            guard let k = r.readString(), let v = r.readString() else { return nil }
            properties[k] = v
        }
        guard let hasPage = r.read(UInt8.self), hasPage <= 1, let page = r.readString(), let created = r.read(Int64.self), let updated = r.read(Int64.self),
              let parsed = try? selectors.map({ (text: String) throws(ElementSelector.Invalid) -> ElementSelector in try ElementSelector(text) }) else { return nil }
        return Feature(id: id, name: name, eventTypes: types, selectors: parsed, text: hasText == 1 ? text : nil, properties: properties,
                       pageID: hasPage == 1 ? page : nil, createdMs: created, updatedMs: updated)
    }

    static func encode(_ g: Group, into w: inout BinaryWriter) {
        w.write(g.id); w.write(g.name); w.write(g.type.rawValue); w.write(g.description); w.write(g.color)
        w.write(UInt32(g.items.count)); for item in g.items { w.write(item.type.rawValue); w.write(item.id) }
        w.write(g.createdMs); w.write(g.updatedMs)
    }

    static func decodeGroup(from r: inout BinaryReader) -> Group? {
        guard let id = r.readString(), let name = r.readString(), let type = r.readString().flatMap(Group.GroupType.init(rawValue:)),
              let description = r.readString(), let color = r.readString(), let n = r.read(UInt32.self), Int(n) <= r.remaining else { return nil }
        var items: [Group.Item] = []
        for _ in 0..<n {
            guard let itemType = r.readString().flatMap(Group.ItemType.init(rawValue:)), let itemID = r.readString() else { return nil }
            items.append(Group.Item(type: itemType, id: itemID))
        }
        guard let created = r.read(Int64.self), let updated = r.read(Int64.self) else { return nil }
        return Group(id: id, name: name, type: type, description: description, color: color, items: items, createdMs: created, updatedMs: updated)
    }

    static func decodeStrings(from r: inout BinaryReader) -> [String]? {
        guard let n = r.read(UInt32.self), Int(n) <= r.remaining else { return nil }
        var out: [String] = []
        for _ in 0..<n {
            guard let text = r.readString() else { return nil }
            out.append(text)
        }
        return out
    }

    /// Objects sorted by id, so one store always gives the same bytes.
    func encode(into w: inout BinaryWriter) {
        w.write(Int64(nextID))
        w.write(UInt32(pages.count)); for id in pages.keys.sorted() { Self.encode(pages[id]!, into: &w) }
        w.write(UInt32(features.count)); for id in features.keys.sorted() { Self.encode(features[id]!, into: &w) }
        w.write(UInt32(groups.count)); for id in groups.keys.sorted() { Self.encode(groups[id]!, into: &w) }
    }

    static func decode(from r: inout BinaryReader) -> Tagging? {
        var store = Tagging()
        guard let next = r.read(Int64.self), next >= 1, let nPages = r.read(UInt32.self), Int(nPages) <= r.remaining else { return nil }
        store.nextID = Int(next)
        for _ in 0..<nPages {
            guard let page = decodePage(from: &r) else { return nil }
            store.pages[page.id] = page
        }
        guard let nFeatures = r.read(UInt32.self), Int(nFeatures) <= r.remaining else { return nil }
        for _ in 0..<nFeatures {
            guard let feature = decodeFeature(from: &r) else { return nil }
            store.features[feature.id] = feature
        }
        guard let nGroups = r.read(UInt32.self), Int(nGroups) <= r.remaining else { return nil }
        for _ in 0..<nGroups {
            guard let group = decodeGroup(from: &r) else { return nil }
            store.groups[group.id] = group
        }
        return store
    }
}

extension TaggingEdit {
    func encode(into w: inout BinaryWriter) {
        switch self {
        case .definePage(let page): w.write(UInt8(1)); Tagging.encode(page, into: &w)
        case .defineFeature(let feature): w.write(UInt8(2)); Tagging.encode(feature, into: &w)
        case .defineGroup(let group): w.write(UInt8(3)); Tagging.encode(group, into: &w)
        case .remove(let kind, let id): w.write(UInt8(4)); w.write(kind.rawValue); w.write(id)
        }
    }

    static func decode(from r: inout BinaryReader) -> TaggingEdit? {
        switch r.read(UInt8.self) {
        case 1: Tagging.decodePage(from: &r).map(TaggingEdit.definePage)
        case 2: Tagging.decodeFeature(from: &r).map(TaggingEdit.defineFeature)
        case 3: Tagging.decodeGroup(from: &r).map(TaggingEdit.defineGroup)
        case 4:
            if let kind = r.readString().flatMap(Tagging.Kind.init(rawValue:)), let id = r.readString() { .remove(kind, id: id) } else { nil }
        default: nil
        }
    }
}
