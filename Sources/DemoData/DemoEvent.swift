/// One generated record: an event, or the merge of an anonymous visitor into the user it became.
public enum DemoRecord: Sendable, Equatable {
    case event(DemoEvent)
    case merge(anonymousID: String, user: String, timestampMs: Int64)

    public var timestampMs: Int64 {
        switch self {
        case .event(let event): event.timestampMs
        case .merge(_, _, let at): at
        }
    }
}

public struct DemoEvent: Sendable, Equatable {
    public var name: String
    public var user: String
    public var account: String?
    public var page: String?
    public var timestampMs: Int64
    /// Sorted by key.
    public var properties: [(key: String, value: String)]

    public static func == (a: DemoEvent, b: DemoEvent) -> Bool {
        a.name == b.name && a.user == b.user && a.account == b.account && a.page == b.page && a.timestampMs == b.timestampMs
            && a.properties.map(\.key) == b.properties.map(\.key) && a.properties.map(\.value) == b.properties.map(\.value)
    }
}
