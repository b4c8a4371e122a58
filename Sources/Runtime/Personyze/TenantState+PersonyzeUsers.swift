/// The Personyze `users` object over Beacon's users (docs/personyze.md, "users"): one row per
/// user with events (merged-away ids read as their user). `user_id` is the user's index plus
/// one, stable for the tenant's life; `internal_id` is Beacon's user id. The other columns are the
/// user's properties (the latest event's, overlaid by those set through an API).
public struct PersonyzeUsers: RowSource {
    public let state: TenantState

    /// Columns made without decoding the user's properties.
    public static let housekeeping: Set<String> = ["user_id", "internal_id", "last_session_time", "session_counter", "data_last_modified"]
    /// Columns a query may filter or sort the whole table by (the seed's index list).
    public static let indexed: Set<String> = ["user_id", "internal_id", "fb_id", "email", "last_session_time", "data_last_modified"]

    public init(_ state: TenantState) { self.state = state }

    /// The row id (the user index) of a Beacon user id, when it is a user with events.
    public func id(ofInternalID name: String) -> Int? {
        state.knownUser(name).map(Int.init)
    }

    /// The Beacon user id behind a `user_id`, when it names a user with events.
    public func internalID(ofUserID userID: Int64) -> String? {
        guard userID > 0, userID <= Int64(state.users.count) else { return nil }
        let u = Int(userID - 1)
        guard state.users.summaries[u].isKnown(id: u) else { return nil }
        return state.userNames.string(UInt32(u))
    }

    /// The user index behind a `user_id`, when it names a user with events.
    public func index(ofUserID userID: Int64) -> UInt32? {
        internalID(ofUserID: userID) != nil ? UInt32(userID - 1) : nil
    }

    /// The user indexes the query's `user_id` pins (`=` or `:`), nil when it pins none.
    public func pinnedIndexes(_ query: RowQuery) -> Set<UInt32>? {
        query.pinnedValues(of: "user_id").map { Set($0.compactMap { Int64($0) }.compactMap(index(ofUserID:))) }
    }

    /// The Beacon user id at a row id.
    public func internalID(ofRow id: Int) -> String { state.userNames.string(UInt32(id)) }

    public func candidates(for query: RowQuery) -> [Int] {
        if let keys = query.pinnedValues(of: "user_id") {
            return Set(keys.compactMap { Int64($0) }.compactMap { internalID(ofUserID: $0).flatMap(id(ofInternalID:)) }).sorted()
        }
        if let keys = query.pinnedValues(of: "internal_id") { return Set(keys.compactMap(id(ofInternalID:))).sorted() }
        if let keys = query.pinnedValues(of: "email") { return users(withProperty: "email", in: Set(keys)) }
        if let keys = query.pinnedValues(of: "fb_id") { return users(withProperty: "fb_id", in: Set(keys)) }
        return (0..<state.users.count).filter { state.users.summaries[$0].isKnown(id: $0) }
    }

    /// Users whose property `key` holds one of `values`: compared by interned id, not decoded.
    public func users(withProperty key: String, in values: Set<String>) -> [Int] {
        let keyID = state.propertySets.keys.lookup(key)
        let valueIDs = Set(values.compactMap { state.propertySets.values.lookup($0) })
        var out: [Int] = []
        for u in 0..<state.users.count where state.users.summaries[u].isKnown(id: u) {
            if let set = state.profiles.users[UInt32(u)]?.properties[key] {
                if values.contains(set) { out.append(u) }
            } else if let keyID, !valueIDs.isEmpty,
                      let v = state.propertySets.value(of: keyID, in: PropertySetIndex(state.users.summaries[u].latestProperties)), valueIDs.contains(v) {
                out.append(u)
            }
        }
        return out
    }

    public func row(_ id: Int, columns: Set<String>?) -> Row? {
        guard id >= 0, id < state.users.count, state.users.summaries[id].isKnown(id: id) else { return nil }
        let u = UInt32(id)
        var row: Row = [:]
        if columns.map({ !$0.isSubset(of: Self.housekeeping) }) ?? true {
            for (key, value) in state.userProperties(u) { row[key] = .text(value) }
        }
        let summary = state.users.summaries[id]
        let sessions = id < state.sessionIndex.spans.count ? state.sessionIndex.spans[id] : []
        row["user_id"] = .int(Int64(id) + 1)
        row["internal_id"] = .text(state.userNames.string(u))
        row["last_session_time"] = sessions.last.map { .int($0.startMs / 1000) } ?? .int(summary.lastSeen / 1000)
        row["session_counter"] = .int(Int64(sessions.count))
        row["data_last_modified"] = .int(max(summary.lastSeen, state.personyze.userModifiedMs[u] ?? .min) / 1000)
        for key in ["email", "fb_id"] where row[key] == nil { row[key] = .null }
        return row
    }
}
