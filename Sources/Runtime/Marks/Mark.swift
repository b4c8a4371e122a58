/// A timeline annotation drawn over charts (a release, a news item, an incident), as the metrics
/// API's marks describe it. A private mark is seen by its creator alone.
public struct Mark: Sendable, Equatable {
    public enum Category: String, Sendable, CaseIterable { case release, news, incident }
    public enum Scope: String, Sendable, CaseIterable { case `public`, `private` }
    /// Where the mark came from; marks made through the API are `api`.
    public enum Source: String, Sendable, CaseIterable { case manual, api, plugin }

    public var id: Int
    public var title: String
    public var description: String?
    /// When the marked thing happened, epoch milliseconds.
    public var timestampMs: Int64
    public var category: Category
    /// A URL, commit or other reference.
    public var sourceRef: String?
    public var scope: Scope
    /// JSON text, kept as given.
    public var metadata: String?
    public var source: Source
    /// The member name of the key that made it.
    public var creator: String
    public var createdMs: Int64

    public init(id: Int, title: String, description: String?, timestampMs: Int64, category: Category, sourceRef: String?,
                scope: Scope, metadata: String?, source: Source, creator: String, createdMs: Int64) {
        self.id = id; self.title = title; self.description = description; self.timestampMs = timestampMs; self.category = category
        self.sourceRef = sourceRef; self.scope = scope; self.metadata = metadata; self.source = source; self.creator = creator
        self.createdMs = createdMs
    }

    /// Whether `member` may see it: every member sees a public mark, only its creator a private one.
    public func isVisible(to member: String) -> Bool { scope == .public || creator == member }
}

/// The tenant's marks by id; ids are never reused.
public struct Marks: Sendable, Equatable {
    public package(set) var byID: [Int: Mark] = [:]
    public package(set) var nextID = 1

    public init() {}
}
