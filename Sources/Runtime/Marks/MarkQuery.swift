/// Which marks a member lists: a time span (both ends included), a category, a source, at most `limit`.
public struct MarkQuery: Sendable, Equatable {
    public var viewer: String
    public var fromMs: Int64?
    public var toMs: Int64?
    public var category: Mark.Category?
    public var source: Mark.Source?
    public var limit: Int

    public init(viewer: String, fromMs: Int64? = nil, toMs: Int64? = nil, category: Mark.Category? = nil, source: Mark.Source? = nil, limit: Int = 500) {
        self.viewer = viewer; self.fromMs = fromMs; self.toMs = toMs; self.category = category; self.source = source; self.limit = limit
    }

    public func admits(_ mark: Mark) -> Bool {
        guard mark.isVisible(to: viewer) else { return false }
        if let fromMs, mark.timestampMs < fromMs { return false }
        if let toMs, mark.timestampMs > toMs { return false }
        if let category, mark.category != category { return false }
        if let source, mark.source != source { return false }
        return true
    }
}

extension Marks {
    /// The marks `query` admits, newest first (ties by id, newest first), at most `query.limit`.
    /// O(n log n) over the tenant's marks, which are few (people write them by hand or per release).
    public func matching(_ query: MarkQuery) -> (marks: [Mark], total: Int) {
        let all = byID.values.filter(query.admits).sorted { ($0.timestampMs, $0.id) > ($1.timestampMs, $1.id) }
        return (Array(all.prefix(max(0, query.limit))), all.count)
    }
}
