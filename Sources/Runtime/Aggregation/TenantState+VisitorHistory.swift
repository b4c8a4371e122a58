/// A visitor's activity in a window as the seed's history items (docs/pendo.md, Visitors):
/// runs of consecutive events on the same page, track type or clicked page, each with the
/// first and last time of the run.
public struct VisitorHistoryItem: Sendable, Equatable {
    public enum Kind: String, Sendable { case page, track, click }
    public var kind: Kind
    /// The page's path, the track type's name, or the page a click was on ("" without one).
    public var object: String
    public var firstMs: Int64
    public var lastMs: Int64
}

extension TenantState {
    /// The items of `name`'s events (merged history included) in `[fromMs, toMs)`, oldest
    /// first; nil for an unknown visitor.
    public func visitorHistory(_ name: String, fromMs: Int64, toMs: Int64) -> [VisitorHistoryItem]? {
        guard let index = userIndex(name), users.hasEvents(index.rawValue) else { return nil }
        let u = index.rawValue
        var found: [StoredEvent] = []
        log.forEachChunk { chunk in
            guard chunk.maxTimestamp >= fromMs, chunk.minTimestamp < toMs else { return }
            for row in 0..<chunk.count {
                let ts = chunk.timestamps[row]
                if ts >= fromMs, ts < toMs, users.canonical(chunk.users[row]) == u { found.append(chunk[row]) }
            }
        }
        // Stable: events of one millisecond keep the order they were stored in.
        let ordered = found.enumerated().sorted { ($0.element.timestampMs, $0.offset) < ($1.element.timestampMs, $1.offset) }.map(\.element)
        var items: [VisitorHistoryItem] = []
        for event in ordered {
            let type = eventTypeNames.string(event.type.rawValue)
            let page = event.page == .none ? "" : pageNames.string(event.page.rawValue)
            let (kind, object): (VisitorHistoryItem.Kind, String) =
                PendoIDs.pageViewTypes.contains(type) ? (.page, page) : PendoIDs.clickTypes.contains(type) ? (.click, page) : (.track, type)
            if let last = items.last, last.kind == kind, last.object == object {
                items[items.count - 1].lastMs = event.timestampMs
            } else {
                items.append(VisitorHistoryItem(kind: kind, object: object, firstMs: event.timestampMs, lastMs: event.timestampMs))
            }
        }
        return items
    }
}
