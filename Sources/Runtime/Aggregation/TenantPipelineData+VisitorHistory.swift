/// A visitor's activity in a window as the seed's history items (docs/pendo.md, Visitors):
/// runs of consecutive events on the same page, feature, track type or (for a click no feature
/// tags) clicked page, each with the first and last time of the run.
public struct VisitorHistoryItem: Sendable, Equatable {
    public enum Kind: String, Sendable { case page, feature, track, click }
    public var kind: Kind
    /// The page's, feature's or track type's id, or the path an untagged click was on ("" without one).
    public var object: String
    public var firstMs: Int64
    public var lastMs: Int64
}

extension TenantPipelineData {
    /// The items of `name`'s events (merged history included) in `[fromMs, toMs)`, oldest
    /// first; nil for an unknown visitor.
    public func visitorHistory(_ name: String, fromMs: Int64, toMs: Int64) -> [VisitorHistoryItem]? {
        guard let index = state.userIndex(name), state.users.hasEvents(index.rawValue) else { return nil }
        let u = index.rawValue, users = state.users
        var found: [StoredEvent] = []
        var featureOf: [Int: String] = [:]
        let features = FeatureTags(state, pages: pageTags, ids: nil)
        state.log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= fromMs, chunk.minTimestamp < toMs else { return }
            for row in 0..<chunk.count {
                let ts = chunk.timestamps[row]
                guard ts >= fromMs, ts < toMs, users.canonical(chunk.users[row]) == u else { continue }
                if features.readsType(chunk.types[row]), let f = features.matches(type: chunk.types[row], set: chunk.propertySets[row], page: chunk.pages[row]).first {
                    featureOf[found.count] = features.features[Int(f)].id
                }
                found.append(chunk[row])
            }
        }
        // Stable: events of one millisecond keep the order they were stored in.
        let ordered = found.enumerated().sorted { ($0.element.timestampMs, $0.offset) < ($1.element.timestampMs, $1.offset) }
        var items: [VisitorHistoryItem] = []
        for (n, event) in ordered {
            let type = state.eventTypeNames.string(event.type.rawValue)
            let page = event.page == .none ? "" : state.pageNames.string(event.page.rawValue)
            let (kind, object): (VisitorHistoryItem.Kind, String) =
                if let feature = featureOf[n] { (.feature, feature) }
                else if PendoIDs.pageViewTypes.contains(type) { (.page, event.page == .none ? PendoIDs.objectID("") : pageTags.id(of: pageTags.perPath[Int(event.page.rawValue)][0])) }
                else if PendoIDs.clickTypes.contains(type) { (.click, page) }
                else { (.track, PendoIDs.objectID(type)) }
            if let last = items.last, last.kind == kind, last.object == object {
                items[items.count - 1].lastMs = event.timestampMs
            } else {
                items.append(VisitorHistoryItem(kind: kind, object: object, firstMs: event.timestampMs, lastMs: event.timestampMs))
            }
        }
        return items
    }
}
