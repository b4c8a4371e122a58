/// Pages and features as a read sees them: defined pages and features applied to the paths and
/// events as they are (docs/pendo.md, "Pages, features and groups"). A page view counts once for
/// each defined page whose rules match its path; a path no defined page matches is a page of
/// its own (its id the FNV-1a of the path), so no page view is lost before its page is defined.
final class PageTags {
    /// Defined pages sorted by id: object numbers 0..<defined.count. The page of untagged path p is defined.count + p.
    let defined: [Tagging.Page]
    let paths: [String]
    /// Per path index, the page objects it counts for.
    let perPath: [[UInt32]]

    init(_ state: TenantState) {
        defined = state.tagging.pages.keys.sorted().map { state.tagging.pages[$0]! }
        paths = (0..<state.pageNames.count).map { state.pageNames.string(UInt32($0)) }
        let base = UInt32(defined.count)
        let defined = self.defined
        perPath = paths.enumerated().map { p, path in
            let matched = defined.indices.filter { defined[$0].matches(path: path) }.map(UInt32.init)
            return matched.isEmpty ? [base + UInt32(p)] : matched
        }
    }

    func isDefined(_ object: UInt32) -> Bool { Int(object) < defined.count }
    func path(ofUntagged object: UInt32) -> Int { Int(object) - defined.count }

    func id(of object: UInt32) -> String {
        isDefined(object) ? defined[Int(object)].id : PendoIDs.objectID(paths[path(ofUntagged: object)])
    }

    /// Per path, the page objects a source counts: all, or those `ids` name (a defined page's id,
    /// an untagged path's id, or the path itself).
    func selection(_ ids: [String]?) -> [[UInt32]] {
        guard let ids else { return perPath }
        let wanted = Set(ids)
        return perPath.enumerated().map { p, objects in
            objects.filter { o in isDefined(o) ? wanted.contains(defined[Int(o)].id) : wanted.contains(paths[p]) || wanted.contains(id(of: o)) }
        }
    }

    /// The defined page with this id, as an object number.
    func object(definedID id: String) -> UInt32? { defined.firstIndex { $0.id == id }.map(UInt32.init) }
}

/// Which defined features an event counts for, worked out once per event type, property set and
/// page, since events repeat those far more than they vary.
final class FeatureTags {
    struct Key: Hashable { var type: UInt32, set: UInt32, page: UInt32 }
    /// Defined features sorted by id: object numbers 0..<features.count.
    let features: [Tagging.Feature]
    /// Per event type index, the features (of those asked for) that read it.
    let byType: [[UInt32]]
    /// Per feature, the page object its `pageId` names.
    let pageObjects: [UInt32?]
    private var cache: [Key: [UInt32]] = [:]
    private let state: TenantState
    private let pages: PageTags

    init(_ state: TenantState, pages: PageTags, ids: [String]?) {
        self.state = state
        self.pages = pages
        features = state.tagging.features.keys.sorted().map { state.tagging.features[$0]! }
        let wanted = ids.map(Set.init)
        let features = self.features
        byType = (0..<state.eventTypeNames.count).map { t in
            let name = state.eventTypeNames.string(UInt32(t))
            return features.indices.filter { f in (wanted?.contains(features[f].id) ?? true) && features[f].readTypes.contains(name) }.map(UInt32.init)
        }
        pageObjects = features.map { $0.pageID.flatMap(pages.object(definedID:)) }
    }

    /// Whether any asked-for feature reads this type: the scan's first, cheap test.
    func readsType(_ type: UInt32) -> Bool { Int(type) < byType.count && !byType[Int(type)].isEmpty }

    func matches(type: UInt32, set: UInt32, page: UInt32) -> [UInt32] {
        let key = Key(type: type, set: set, page: page)
        if let known = cache[key] { return known }
        let index = PropertySetIndex(set)
        let keys = state.propertySets.keys
        let lookup: (String) -> String? = { [state] name in
            keys.lookup(name).flatMap { state.propertySets.value(of: $0, in: index) }.map { state.propertySets.values.string($0) }
        }
        let found = byType[Int(type)].filter { f in
            if let wantedPage = pageObjects[Int(f)] {
                guard page != PageIndex.none.rawValue, Int(page) < pages.perPath.count, pages.perPath[Int(page)].contains(wantedPage) else { return false }
            }
            return features[Int(f)].matches(properties: lookup)
        }
        cache[key] = found
        return found
    }
}
