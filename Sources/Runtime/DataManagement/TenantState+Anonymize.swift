import Foundation

/// Anonymizing a user (`POST /api/privacy/anonymize`, docs/privacy.md): the user is called by a
/// keyed hash from then on, their events lose their properties, every property value that holds
/// the email holds the hash instead, and their profile is cleared. Their history (event types and
/// times) stays, under the hash.
extension TenantState {
    /// The user an email names (merges followed), if they have events.
    public func privacyUser(_ email: String) -> UInt32? { knownUser(email) }

    /// The events and indexes as anonymizing `user` leaves them: a fresh property-set store built
    /// from the old one with the email replaced, and the user's own events without properties.
    public func rebuildingForAnonymize(user: UInt32, as name: String, nowMs: Int64) -> RebuiltEvents {
        let email = userNames.string(user)
        var setMap: [UInt32] = []
        return rebuilt(nowMs: nowMs, prepare: { fresh in
            var sets = PropertySets()
            setMap = (0..<UInt32(propertySets.count)).map { id in
                let pairs = propertySets.pairs(PropertySetIndex(id)).map { pair in
                    (Self.scrub(propertySets.keys.string(pair.key), email, name), Self.scrub(propertySets.values.string(pair.value), email, name))
                }
                return pairs.isEmpty ? PropertySetIndex.empty.rawValue : sets.intern(pairs).rawValue
            }
            fresh.propertySets = sets
        }) { event in
            if event.user.rawValue == user {
                let had = event.properties != .empty
                event.properties = .empty
                return had ? .changed : .kept
            }
            event.properties = PropertySetIndex(setMap[Int(event.properties.rawValue)])
            return .kept
        }
    }

    /// `text` with every occurrence of the email (in any case) replaced by the hash name.
    static func scrub(_ text: String, _ email: String, _ name: String) -> String {
        text.range(of: email, options: .caseInsensitive) == nil ? text : text.replacingOccurrences(of: email, with: name, options: .caseInsensitive)
    }

    /// The rest of an anonymization once the events are rebuilt: the name, the profile, the external id, discoveries.
    mutating func finishAnonymizing(user: UInt32, as name: String) {
        let email = userNames.string(user)
        userNames = userNames.renaming(user, to: name)
        for u in 0..<UInt32(users.count) where users.canonical(u) == user {
            profiles.users[u] = nil
            users.setExternalID(.max, of: u)
        }
        discoveries.scrub(email, as: name)
    }
}

extension Discoveries {
    mutating func scrub(_ email: String, as name: String) {
        for id in records.keys {
            var behaviour = records[id]!.behaviour
            behaviour.value = TenantState.scrub(behaviour.value, email, name)
            behaviour.key = TenantState.scrub(behaviour.key, email, name)
            guard behaviour != records[id]!.behaviour else { continue }
            idByKey[Key(successID: records[id]!.successID, behaviour: records[id]!.behaviour)] = nil
            records[id]!.behaviour = behaviour
            idByKey[Key(successID: records[id]!.successID, behaviour: behaviour)] = id
        }
    }
}
