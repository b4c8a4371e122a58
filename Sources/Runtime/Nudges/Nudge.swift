/// An in-app message shown on a page to the members of a segment, with what happened to it.
public struct Nudge: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case floating, banner }
    public enum Status: String, Sendable, CaseIterable { case draft, active, paused }

    public var id: Int
    public var title: String
    public var body: String?
    public var buttonText: String?
    public var kind: Kind
    /// The page it shows on: exact, or a prefix when it ends with `*`.
    public var targetPage: String
    /// Its audience is this segment's members; nil: everyone.
    public var targetSegment: Int?
    /// The event that counts as progress after the nudge was shown (the journey's next step).
    public var goalEvent: String?
    public var status: Status
    public var createdMs: Int64
    public var updatedMs: Int64
    /// Current members of the target segment, kept by the audience refresh.
    public internal(set) var audience = Bitmap()
    /// Every entry into and exit from the audience, oldest first.
    public internal(set) var audienceLog: [AudienceEntry] = []
    /// First impression, click and dismiss per user.
    public internal(set) var shownAt: [UInt32: Int64] = [:]
    public internal(set) var clicked = Bitmap()
    public internal(set) var dismissed = Bitmap()
    public internal(set) var impressions = 0
    public internal(set) var clicks = 0

    public func shows(onPage page: String) -> Bool {
        targetPage.hasSuffix("*") ? page.hasPrefix(targetPage.dropLast()) : page == targetPage
    }
}

public struct AudienceEntry: Sendable, Equatable {
    public var user: UInt32
    public var atMs: Int64
    public var entered: Bool
}

/// The tenant's nudges.
public struct Nudges: Sendable, Equatable {
    public internal(set) var byID: [Int: Nudge] = [:]
    public internal(set) var nextID = 1

    public init() {}
}
