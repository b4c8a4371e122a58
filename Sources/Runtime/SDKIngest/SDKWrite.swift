/// One message of an existing analytics SDK (a Segment call, a PostHog or Amplitude event, a
/// Mixpanel record) in Beacon's terms: the events it records, the anonymous ids it merges and the
/// profile properties it sets. The HTTP front translates each SDK's shape into this; the tenant
/// applies it like any write.
public struct SDKMessage: Sendable, Equatable {
    /// The SDK's id of the message, namespaced by the SDK ("segment:…"); a second message with
    /// the same id within 24 hours is dropped.
    public var messageID: String?
    public var events: [EventInput]
    public var merges: [SDKMerge]
    /// Only `.setUserProperties` and `.setAccountProperties`.
    public var edits: [ProfileEdit]

    public init(messageID: String?, events: [EventInput] = [], merges: [SDKMerge] = [], edits: [ProfileEdit] = []) {
        self.messageID = messageID; self.events = events; self.merges = merges; self.edits = edits
    }
}

/// An anonymous id (or an older id) that becomes part of a user.
public struct SDKMerge: Sendable, Equatable {
    /// The names the id may have been stored under (`anon-ID` for an SDK's anonymous id, or the
    /// id as it is): the first that names a user with events is merged.
    public var candidates: [String]
    public var user: String
    /// When no candidate has events: nothing happens (an implied merge, such as Amplitude's
    /// device id beside a user id), or the first candidate is tied to the user anyway, so its
    /// later events count as the user's (an explicit alias).
    public var onlyIfSeen: Bool

    public init(candidates: [String], user: String, onlyIfSeen: Bool) {
        self.candidates = candidates; self.user = user; self.onlyIfSeen = onlyIfSeen
    }
}

/// The messages of one SDK request that were not seen before, flattened as they are logged
/// (one WAL record) and applied: events first, then merges, then property edits, so a message
/// that names a new user and sets its properties finds the user.
public struct SDKWrite: Sendable, Equatable {
    public var nowMs: Int64
    public var anonymousID: String
    public var messageIDs: [String]
    public var events: [EventInput]
    public var merges: [SDKMerge]
    public var edits: [ProfileEdit]

    public init(nowMs: Int64, anonymousID: String, messageIDs: [String], events: [EventInput], merges: [SDKMerge], edits: [ProfileEdit]) {
        self.nowMs = nowMs; self.anonymousID = anonymousID; self.messageIDs = messageIDs
        self.events = events; self.merges = merges; self.edits = edits
    }

    public init(nowMs: Int64, anonymousID: String, messages: [SDKMessage]) {
        self.init(nowMs: nowMs, anonymousID: anonymousID, messageIDs: messages.compactMap(\.messageID),
                  events: messages.flatMap(\.events), merges: messages.flatMap(\.merges), edits: messages.flatMap(\.edits))
    }
}

/// What an SDK write did.
public struct SDKReceipt: Sendable, Equatable {
    /// Messages taken; the rest were repeats of messages already seen.
    public var messages: Int
    public var duplicates: Int
    public var events: Int
    public var merges: Int
    /// Merges refused because the anonymous id already belongs to someone else, and property
    /// edits of users that do not exist: skipped, as the SDKs' own services skip them.
    public var skipped: Int
    public var anonymousID: String?

    public init(messages: Int = 0, duplicates: Int = 0, events: Int = 0, merges: Int = 0, skipped: Int = 0, anonymousID: String? = nil) {
        self.messages = messages; self.duplicates = duplicates; self.events = events; self.merges = merges
        self.skipped = skipped; self.anonymousID = anonymousID
    }
}
