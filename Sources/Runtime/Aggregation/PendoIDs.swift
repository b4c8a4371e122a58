/// How Beacon's names become Pendo's ids and kinds (docs/pendo.md, "Concepts"): stable across
/// restarts, so a report can keep an id.
public enum PendoIDs {
    /// Page loads: the `pageEvents` and `pages` of a tenant.
    public static let pageViewTypes: Set<String> = ["page_view", "pageview", "$pageview", "page"]
    /// Clicks: the events features are defined over.
    public static let clickTypes: Set<String> = ["click", "$autocapture", "button_clicked"]
    /// Track types are the event types other than page views and clicks.
    public static let notTrackTypes = pageViewTypes.union(clickTypes)

    /// FNV-1a of the text: Pendo's `idhash`s and the object ids.
    public static func fnv(_ text: String) -> UInt64 {
        var hash = FNV1a()
        hash.add(text.utf8)
        return hash.value
    }

    public static func idHash(_ id: String) -> Int { Int(fnv(id) & 0x7fff_ffff) }

    /// A track type's or page's id: the FNV-1a of its name (or path) in hex.
    public static func objectID(_ name: String) -> String { String(fnv(name), radix: 16) }

    /// A nudge's status as a guide state: active is `public`, paused `disabled`, a draft `draft`
    /// (the seed's staged guides are drafts).
    public static func guideState(_ status: Nudge.Status) -> String {
        switch status {
        case .active: "public"
        case .paused: "disabled"
        case .draft: "draft"
        }
    }
}
