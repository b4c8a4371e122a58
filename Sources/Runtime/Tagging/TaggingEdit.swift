/// One change to the pages, features and groups, as logged in the WAL (type 23). A define
/// creates the object or replaces it whole (keeping when it was created).
public enum TaggingEdit: Sendable, Equatable {
    case definePage(Tagging.Page)
    case defineFeature(Tagging.Feature)
    case defineGroup(Tagging.Group)
    case remove(Tagging.Kind, id: String)
}

public enum TaggingEditRefusal: Error, Sendable, Equatable {
    case tooMany(Tagging.Kind, limit: Int)
    case unknown(Tagging.Kind, id: String)
    /// A feature names a page, or a group an item, that is not defined.
    case unknownReference(field: String, id: String)
    /// A page still narrows a feature: remove or change the feature first.
    case pageInUse(page: String, feature: String)
    case wrongItemType(field: String, reason: String)
}

extension TenantState {
    public func refusal(of edit: TaggingEdit) -> TaggingEditRefusal? {
        switch edit {
        case .definePage(let page):
            return tagging.pages[page.id] == nil && tagging.pages.count >= Tagging.maxPages ? .tooMany(.page, limit: Tagging.maxPages) : nil
        case .defineFeature(let feature):
            if tagging.features[feature.id] == nil, tagging.features.count >= Tagging.maxFeatures { return .tooMany(.feature, limit: Tagging.maxFeatures) }
            if let page = feature.pageID, tagging.pages[page] == nil { return .unknownReference(field: "pageId", id: page) }
            return nil
        case .defineGroup(let group):
            if tagging.groups[group.id] == nil, tagging.groups.count >= Tagging.maxGroups { return .tooMany(.group, limit: Tagging.maxGroups) }
            for (i, item) in group.items.enumerated() {
                let field = "items[\(i)]"
                switch (group.type, item.type) {
                case (.group, .guide): return .wrongItemType(field: field, reason: "a product area holds pages and features, not guides")
                case (.guideCategory, .page), (.guideCategory, .feature): return .wrongItemType(field: field, reason: "a guide category holds guides only")
                case (_, .page): if tagging.pages[item.id] == nil { return .unknownReference(field: field, id: item.id) }
                case (_, .feature): if tagging.features[item.id] == nil { return .unknownReference(field: field, id: item.id) }
                case (_, .guide): if Int(item.id).flatMap({ nudges.byID[$0] }) == nil { return .unknownReference(field: field, id: item.id) }
                }
            }
            return nil
        case .remove(let kind, let id):
            guard tagging.contains(kind, id) else { return .unknown(kind, id: id) }
            if kind == .page, let user = tagging.features.values.filter({ $0.pageID == id }).map(\.id).min() { return .pageInUse(page: id, feature: user) }
            return nil
        }
    }

    public mutating func apply(_ edit: TaggingEdit) throws(TaggingEditRefusal) {
        if let refusal = refusal(of: edit) { throw refusal }
        switch edit {
        case .definePage(var page):
            page.createdMs = tagging.pages[page.id]?.createdMs ?? page.createdMs
            tagging.pages[page.id] = page
            tagging.advanceID(past: page.id)
        case .defineFeature(var feature):
            feature.createdMs = tagging.features[feature.id]?.createdMs ?? feature.createdMs
            tagging.features[feature.id] = feature
            tagging.advanceID(past: feature.id)
        case .defineGroup(var group):
            group.createdMs = tagging.groups[group.id]?.createdMs ?? group.createdMs
            tagging.groups[group.id] = group
            tagging.advanceID(past: group.id)
        case .remove(let kind, let id):
            switch kind {
            case .page: tagging.pages[id] = nil
            case .feature: tagging.features[id] = nil
            case .group: tagging.groups[id] = nil
            }
            // A removed page or feature leaves the groups that held it.
            let type: Tagging.Group.ItemType? = kind == .page ? .page : kind == .feature ? .feature : nil
            if let type {
                for key in tagging.groups.keys { tagging.groups[key]!.items.removeAll { $0.type == type && $0.id == id } }
            }
        }
        version &+= 1
    }
}

extension Tagging {
    /// Keeps generated ids clear of any decimal id a client chose.
    mutating func advanceID(past id: String) {
        if let n = Int(id), n >= nextID, n < Int.max { nextID = n + 1 }
    }
}
