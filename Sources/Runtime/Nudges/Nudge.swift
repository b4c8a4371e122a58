/// An in-app message shown on a page to the members of a segment, with what happened to it.
public struct Nudge: Sendable, Equatable {
    /// A poll asks its title as a question and offers `choices`; answers come back as
    /// `poll_response` events (docs/nudges-and-journeys.md).
    public enum Kind: String, Sendable, CaseIterable { case floating, banner, poll }
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
    /// A poll's answers, in the order shown; empty for other kinds.
    public var choices: [String] = []
    public var status: Status
    public var createdMs: Int64
    public var updatedMs: Int64
    /// Current members of the target segment, kept by the audience refresh.
    public package(set) var audience = Bitmap()
    /// The newest entries into and exits from the audience, oldest first: at most
    /// `audienceLogLimit` (and a quarter more before trimming), so it cannot grow forever.
    public package(set) var audienceLog: [AudienceEntry] = []
    /// Users who ever entered the audience, and every entry and exit counted: the totals that
    /// outlive the trimmed log.
    public package(set) var everEntered = Bitmap()
    public package(set) var audienceEntries = 0
    public package(set) var audienceExits = 0
    /// First impression, click and dismiss per user.
    public package(set) var shownAt: [UInt32: Int64] = [:]
    public package(set) var clicked = Bitmap()
    public package(set) var dismissed = Bitmap()
    public package(set) var impressions = 0
    public package(set) var clicks = 0

    /// Every impression, click and dismiss, oldest first: the guide events of the Pendo API. At
    /// most `historyLimit` (and a quarter more before trimming).
    public package(set) var history: [GuideEvent] = []

    /// The nudge as it stood after each create, update and status change, oldest first: the
    /// newest `versionLimit` of them (the Pendo API's guide history).
    public package(set) var versions: [NudgeVersion] = []

    public static let audienceLogLimit = 10_000
    public static let historyLimit = 1_000_000
    public static let versionLimit = 100

    /// The definition as it stands.
    public var definition: NudgeDefinition {
        NudgeDefinition(title: title, body: body, buttonText: buttonText, kind: kind, targetPage: targetPage, targetSegment: targetSegment, goalEvent: goalEvent,
                        choices: choices)
    }

    /// Keeps the nudge as it stands now as its newest version.
    package mutating func recordVersion(atMs: Int64) {
        versions.append(NudgeVersion(definition: definition, status: status, atMs: atMs))
        if versions.count > Self.versionLimit { versions.removeFirst(versions.count - Self.versionLimit) }
    }

    /// Records a tracked action, trimming the history back to `historyLimit` once it is a quarter over.
    mutating func record(_ event: GuideEvent) {
        history.append(event)
        if history.count > Self.historyLimit + Self.historyLimit / 4 { history.removeFirst(history.count - Self.historyLimit) }
    }

    package init(id: Int, title: String, body: String?, buttonText: String?, kind: Kind, targetPage: String, targetSegment: Int?,
                 goalEvent: String?, choices: [String] = [], status: Status, createdMs: Int64, updatedMs: Int64) {
        self.choices = choices
        self.id = id; self.title = title; self.body = body; self.buttonText = buttonText; self.kind = kind; self.targetPage = targetPage
        self.targetSegment = targetSegment; self.goalEvent = goalEvent; self.status = status; self.createdMs = createdMs; self.updatedMs = updatedMs
    }

    /// Records an entry or exit, trimming the log back to `audienceLogLimit` once it is a quarter over.
    mutating func logAudience(_ entry: AudienceEntry) {
        audienceLog.append(entry)
        if entry.entered { everEntered.insert(entry.user); audienceEntries += 1 } else { audienceExits += 1 }
        if audienceLog.count > Self.audienceLogLimit + Self.audienceLogLimit / 4 {
            audienceLog.removeFirst(audienceLog.count - Self.audienceLogLimit)
        }
    }

    /// Totals worked out from the log, for snapshots written when the log was kept whole.
    package mutating func deriveAudienceTotals() {
        everEntered = Bitmap(audienceLog.lazy.filter(\.entered).map(\.user))
        audienceEntries = audienceLog.lazy.filter(\.entered).count
        audienceExits = audienceLog.count - audienceEntries
    }

    public func shows(onPage page: String) -> Bool {
        targetPage.hasSuffix("*") ? page.hasPrefix(targetPage.dropLast()) : page == targetPage
    }
}

/// A nudge as it stood at one time.
public struct NudgeVersion: Sendable, Equatable {
    public var definition: NudgeDefinition
    public var status: Nudge.Status
    public var atMs: Int64
    public init(definition: NudgeDefinition, status: Nudge.Status, atMs: Int64) { self.definition = definition; self.status = status; self.atMs = atMs }
}

/// One tracked action on a nudge: who, what, when.
public struct GuideEvent: Sendable, Equatable {
    public var user: UInt32
    public var action: NudgeEdit.TrackedAction
    public var atMs: Int64
    public init(user: UInt32, action: NudgeEdit.TrackedAction, atMs: Int64) { self.user = user; self.action = action; self.atMs = atMs }
}

public struct AudienceEntry: Sendable, Equatable {
    public var user: UInt32
    public var atMs: Int64
    public var entered: Bool

    package init(user: UInt32, atMs: Int64, entered: Bool) { self.user = user; self.atMs = atMs; self.entered = entered }
}

/// The tenant's nudges.
public struct Nudges: Sendable, Equatable {
    public package(set) var byID: [Int: Nudge] = [:]
    public package(set) var nextID = 1

    public init() {}
}
