/// One change made through the Personyze-compatible API, as logged in the WAL (type 24). Ids,
/// upserts and clocks are settled before it is logged, so replaying it gives the same state.
public enum PersonyzeEdit: Sendable, Equatable {
    /// Writes rows of a table: a new id inserts, a known one is patched (a nil value removes the
    /// column). The catalogues stamp `data_last_modified` with `nowMs`.
    case putRows(PersonyzeTables.Table, [RowWrite], nowMs: Int64)
    case deleteRows(PersonyzeTables.Table, ids: [Int])
    /// Users, all at once: the events apply first (creating the users they name), then each
    /// user's profile changes, then the list memberships.
    case users(UserWrites)

    public struct RowWrite: Sendable, Equatable {
        public var id: Int
        public var values: [String: RowValue?]
        public init(id: Int, values: [String: RowValue?]) { self.id = id; self.values = values }
    }

    public struct UserWrites: Sendable, Equatable {
        public var events: [EventInput]
        public var profiles: [ProfileChange]
        public var lists: [SegmentEdit]
        public var nowMs: Int64
        public init(events: [EventInput] = [], profiles: [ProfileChange] = [], lists: [SegmentEdit] = [], nowMs: Int64) {
            self.events = events; self.profiles = profiles; self.lists = lists; self.nowMs = nowMs
        }
    }

    public struct ProfileChange: Sendable, Equatable {
        public var user: String
        public var changes: [ProfileEdit.PropertyChange]
        public init(user: String, changes: [ProfileEdit.PropertyChange]) { self.user = user; self.changes = changes }
    }
}

public enum PersonyzeEditRefusal: Error, Sendable, Equatable {
    case tooManyRows(PersonyzeTables.Table, limit: Int)
    case tooManyColumns(limit: Int)
    case unknownRow(PersonyzeTables.Table, id: Int)
    case duplicateInternalID(PersonyzeTables.Table, String)
    case invalidEvent(IngestValidationError)
    case unknownUser(String)
    case list(SegmentEditRefusal)
}

extension TenantState {
    public func refusal(of edit: PersonyzeEdit) -> PersonyzeEditRefusal? {
        switch edit {
        case .putRows(let table, let writes, _):
            let rows = personyze[table]
            let added = Set(writes.map(\.id).filter { rows.rows[$0] == nil }).count
            if rows.count + added > table.maxRows { return .tooManyRows(table, limit: table.maxRows) }
            var claimed: [String: Int] = [:]
            for write in writes {
                var row = rows.rows[write.id] ?? [:]
                for (key, value) in write.values { row[key] = value }
                if row.count > PersonyzeTables.maxColumns { return .tooManyColumns(limit: PersonyzeTables.maxColumns) }
                guard table.isCatalogue, let key = row["internal_id"], !key.isNull else { continue }
                let owner = claimed[key.text] ?? rows.byInternalID[key.text]
                if let owner, owner != write.id { return .duplicateInternalID(table, key.text) }
                claimed[key.text] = write.id
            }
            return nil
        case .deleteRows(let table, let ids):
            return ids.first { personyze[table].rows[$0] == nil }.map { .unknownRow(table, id: $0) }
        case .users(let writes):
            if let i = writes.events.firstIndex(where: { $0.user == nil }) {
                return .invalidEvent(IngestValidationError(index: i, field: "user_id", message: "is required"))
            }
            do { _ = try validate(writes.events, nowMs: writes.nowMs) } catch { return .invalidEvent(error) }
            let created = Set(writes.events.compactMap(\.user))
            if let user = writes.profiles.first(where: { knownUser($0.user) == nil && !created.contains($0.user) }) { return .unknownUser(user.user) }
            // Each list edit is judged after the ones before it (a list made, then filled).
            if writes.lists.count == 1, let refusal = refusal(of: writes.lists[0]) { return .list(refusal) }
            if writes.lists.count > 1 {
                var after = self
                for list in writes.lists {
                    do { try after.apply(list) } catch { return .list(error) }
                }
            }
            return nil
        }
    }

    public mutating func apply(_ edit: PersonyzeEdit) throws(PersonyzeEditRefusal) {
        if let refusal = refusal(of: edit) { throw refusal }
        switch edit {
        case .putRows(let table, let writes, let nowMs):
            var rows = personyze.tables[table] ?? RowTable()
            for write in writes {
                var row = rows.rows[write.id] ?? [:]
                for (key, value) in write.values { row[key] = value }
                if table.isCatalogue { row["data_last_modified"] = .int(nowMs / 1000) }
                rows.put(write.id, row)
            }
            personyze.tables[table] = rows
        case .deleteRows(let table, let ids):
            for id in ids { personyze.tables[table]?.remove(id) }
        case .users(let writes):
            if !writes.events.isEmpty { _ = applyValidated(writes.events, nowMs: writes.nowMs, anonymousID: nil) }
            for profile in writes.profiles where !profile.changes.isEmpty {
                try? apply(ProfileEdit.setUserProperties(user: profile.user, properties: profile.changes))
                if let u = knownUser(profile.user) { personyze.userModifiedMs[u] = writes.nowMs }
            }
            for list in writes.lists { try? apply(list) }
        }
        version &+= 1
    }
}
