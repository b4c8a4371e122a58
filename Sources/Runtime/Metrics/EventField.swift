/// What a metrics condition or breakdown reads off an event.
public enum EventField: Sendable, Hashable {
    case eventName
    case page
    case user
    case property(String)

    /// `event_name`, `page`, `user_id`, `properties.KEY`, or a bare name read as a property.
    public init?(_ text: String) {
        switch text {
        case "": return nil
        case "event_name", "event": self = .eventName
        case "page", "page_url", "url": self = .page
        case "user_id", "user": self = .user
        default:
            if text.hasPrefix("properties.") {
                let key = String(text.dropFirst("properties.".count))
                guard !key.isEmpty else { return nil }
                self = .property(key)
            } else {
                self = .property(text)
            }
        }
    }

    public var name: String {
        switch self {
        case .eventName: "event_name"
        case .page: "page"
        case .user: "user_id"
        case .property(let key): "properties.\(key)"
        }
    }
}
