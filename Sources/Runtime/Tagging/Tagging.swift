/// Pages, features and groups defined by rules (docs/pendo.md, "Pages, features and groups").
/// Rules are kept, not their matches: every read applies them to the events as they are, so a
/// rule covers the past and the future alike, and changing it changes both.
public struct Tagging: Sendable, Equatable {
    public static let maxPages = 1_000
    public static let maxFeatures = 1_000
    public static let maxGroups = 200
    public static let maxRulesPerObject = 20
    public static let maxItemsPerGroup = 2_000

    public enum Kind: String, Sendable, CaseIterable { case page, feature, group }

    /// A page: every page view whose path one of its rules matches.
    public struct Page: Sendable, Equatable {
        public var id: String
        public var name: String
        public var rules: [PageRule]
        public var createdMs: Int64
        public var updatedMs: Int64
        public init(id: String, name: String, rules: [PageRule], createdMs: Int64, updatedMs: Int64) {
            self.id = id; self.name = name; self.rules = rules; self.createdMs = createdMs; self.updatedMs = updatedMs
        }
        public func matches(path: String) -> Bool { rules.contains { $0.matches(path) } }
    }

    /// A feature: the events of its types (the click types when none is named) whose recorded
    /// element matches one of its selectors, whose `text` matches, whose properties hold the
    /// given values, and, with `pageID`, that happened on that page. Every condition given must hold.
    public struct Feature: Sendable, Equatable {
        public var id: String
        public var name: String
        public var eventTypes: [String]
        public var selectors: [ElementSelector]
        /// The element's text, `*` for any run of characters.
        public var text: String?
        public var properties: [String: String]
        public var pageID: String?
        public var createdMs: Int64
        public var updatedMs: Int64
        public init(id: String, name: String, eventTypes: [String], selectors: [ElementSelector], text: String?, properties: [String: String],
                    pageID: String?, createdMs: Int64, updatedMs: Int64) {
            self.id = id; self.name = name; self.eventTypes = eventTypes; self.selectors = selectors; self.text = text
            self.properties = properties; self.pageID = pageID; self.createdMs = createdMs; self.updatedMs = updatedMs
        }

        /// The types it reads: those named, or the click types.
        public var readTypes: [String] { eventTypes.isEmpty ? Tagging.clickTypes : eventTypes }

        /// Whether an event's properties meet the element, text and property conditions.
        public func matches(properties lookup: (String) -> String?) -> Bool {
            if !selectors.isEmpty {
                guard let path = lookup("selector"), selectors.contains(where: { $0.matches(recordedPath: path) }) else { return false }
            }
            if let text {
                guard let value = lookup("text"), PageRule.glob(Array(text.utf8)[...], Array(value.utf8)[...]) else { return false }
            }
            return properties.allSatisfy { lookup($0.key) == $0.value }
        }
    }

    /// A product area (`group`) holding pages and features, or a guide category (`guideCategory`) holding guides.
    public struct Group: Sendable, Equatable {
        public enum GroupType: String, Sendable, CaseIterable { case group, guideCategory }
        public enum ItemType: String, Sendable, CaseIterable { case page = "Page", feature = "Feature", guide = "Guide" }
        public struct Item: Sendable, Equatable, Hashable {
            public var type: ItemType
            public var id: String
            public init(type: ItemType, id: String) { self.type = type; self.id = id }
        }
        public var id: String
        public var name: String
        public var type: GroupType
        public var description: String
        public var color: String
        public var items: [Item]
        public var createdMs: Int64
        public var updatedMs: Int64
        public init(id: String, name: String, type: GroupType, description: String, color: String, items: [Item], createdMs: Int64, updatedMs: Int64) {
            self.id = id; self.name = name; self.type = type; self.description = description; self.color = color
            self.items = items; self.createdMs = createdMs; self.updatedMs = updatedMs
        }
    }

    /// The event types a feature reads when it names none.
    public static let clickTypes = PendoIDs.clickTypes.sorted()

    public var pages: [String: Page] = [:]
    public var features: [String: Feature] = [:]
    public var groups: [String: Group] = [:]
    /// The next generated id (decimal), shared by the three kinds.
    public var nextID = 1

    public init() {}

    public var isEmpty: Bool { pages.isEmpty && features.isEmpty && groups.isEmpty }

    public func contains(_ kind: Kind, _ id: String) -> Bool {
        switch kind {
        case .page: pages[id] != nil
        case .feature: features[id] != nil
        case .group: groups[id] != nil
        }
    }
}
