/// Identity merges: an anonymous visitor folded into a known user, history included.
extension TenantState {
    public enum MergeOutcome: Sendable, Equatable {
        case merged(movedEvents: Int)
        /// Both names already stood for the same user.
        case alreadyMerged
        /// The anonymous id already belongs to another known user.
        case conflict(existingUser: String)
    }

    /// Folds `anonymousID` into `userName`. Every index moves the anonymous user's membership to
    /// the known user; events in the log keep their original id and are read through the merge.
    /// Later events sent under the anonymous id count for the known user.
    public mutating func merge(anonymousID: String, into userName: String) -> MergeOutcome {
        let to = internUser(userName, anonymous: false)
        var name = anonymousID
        let from = name.withUTF8 { userNames.intern(UnsafeRawBufferPointer($0)) }
        if Int(from) == users.count { users.add(anonymous: true) }
        if users[from].mergedInto != from || from == to {
            // Merged before: fine if into the same user, a conflict otherwise.
            let owner = users.canonical(from)
            return owner == to ? .alreadyMerged : .conflict(existingUser: userNames.string(owner))
        }
        let moved = Int(users[from].eventCount)
        if moved > 0 {
            let fromFirstDay = calendar.day(of: users[from].firstSeen)
            let fromLastDay = calendar.day(of: users[from].lastSeen)
            days.forEachDay(in: fromFirstDay...fromLastDay) { $0.reassign(from, to: to) }
            days.forEachDay(in: fromFirstDay...fromFirstDay) { $0.newUsers.remove(from) }
            if users.hasEvents(to) {
                let toFirstDay = calendar.day(of: users[to].firstSeen)
                days.forEachDay(in: toFirstDay...toFirstDay) { $0.newUsers.remove(to) }
            }
            minutes.reassign(from, to: to)
            accounts.reassign(from, to: to, in: AccountIndex(users[from].account))
        }
        sessionIndex.merge(from, into: to, calendar: &calendar)
        users.merge(from, into: to)
        segments.refreshedDay = nil   // ids moved: dynamic segments are worked out whole next time
        version &+= 1
        if moved > 0 {
            let firstDay = calendar.day(of: users[to].firstSeen)
            days.forEachDay(in: firstDay...firstDay) { $0.newUsers.insert(to) }
        }
        return .merged(movedEvents: moved)
    }

    /// What `merge` would answer without merging, or nil when it would merge: lets a caller log
    /// the merge before applying it, and skip the log for merges that change nothing.
    public func mergeRefusal(anonymousID: String, into userName: String) -> MergeOutcome? {
        guard let from = userNames.lookup(anonymousID) else { return nil }
        let to = userNames.lookup(userName).map { users.canonical($0) }
        guard users[from].mergedInto != from || from == to else { return nil }
        let owner = users.canonical(from)
        return owner == to ? .alreadyMerged : .conflict(existingUser: userNames.string(owner))
    }
}
