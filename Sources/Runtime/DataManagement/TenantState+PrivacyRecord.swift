/// Everything held on one user, for an access request (`GET /api/privacy/users/:email`) and its
/// CSV export.
extension TenantState {
    public struct PrivacyEvent: Sendable, Equatable {
        public var timestampMs: Int64
        public var eventType: String
        public var account: String?
        public var page: String?
        public var properties: [String: String]
    }

    public struct PrivacyRecord: Sendable {
        public var name: String
        public var anonymous: Bool
        public var firstSeenMs: Int64
        public var lastSeenMs: Int64
        public var eventCount: Int
        public var account: String?
        public var externalID: String?
        /// The properties of the user's latest event.
        public var latestProperties: [String: String]
        public var profile: UserProfile
        /// Names merged into this user (anonymous ids, former names).
        public var identities: [String]
        public var eventTypes: [String: Int]
        /// Every retained event of the user, oldest first.
        public var events: [PrivacyEvent]
    }

    /// What is held on `user` (canonical), read from the retained events and the profile.
    public func privacyRecord(user: UInt32) -> PrivacyRecord {
        let s = users.summaries[Int(user)]
        let merged = users.mergedCount > 0
        var events: [PrivacyEvent] = []
        var types: [String: Int] = [:]
        log.forEachChunk { columns in
            for row in 0..<columns.count {
                let raw = columns.users[row]
                guard raw == user || (merged && users.canonical(raw) == user) else { continue }
                let type = eventTypeNames.string(columns.types[row])
                types[type, default: 0] += 1
                let account = columns.accounts[row], page = columns.pages[row]
                events.append(PrivacyEvent(timestampMs: columns.timestamps[row], eventType: type,
                                           account: account == AccountIndex.none.rawValue ? nil : accountNames.string(account),
                                           page: page == PageIndex.none.rawValue ? nil : pageNames.string(page),
                                           properties: propertySets.decoded(PropertySetIndex(columns.propertySets[row]))))
            }
        }
        events.sort { $0.timestampMs < $1.timestampMs }
        let identities = (0..<UInt32(users.count)).filter { $0 != user && users.canonical($0) == user }.map { userNames.string($0) }.sorted()
        return PrivacyRecord(name: userNames.string(user), anonymous: s.isAnonymous, firstSeenMs: s.firstSeen, lastSeenMs: s.lastSeen,
                             eventCount: Int(s.eventCount), account: s.account == AccountIndex.none.rawValue ? nil : accountNames.string(s.account),
                             externalID: s.externalID == .max ? nil : externalIDs.string(s.externalID),
                             latestProperties: propertySets.decoded(PropertySetIndex(s.latestProperties)), profile: profiles.user(user),
                             identities: identities, eventTypes: types, events: events)
    }
}
