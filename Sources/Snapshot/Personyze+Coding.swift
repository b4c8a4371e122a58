import Runtime

/// The Personyze API's tables and edits as bytes: WAL type 24 (one edit) and snapshot section 34
/// (the tables). A cell is a kind byte (0 null, 1 whole number, 2 decimal as its bit pattern,
/// 3 text) and its payload.
extension RowValue {
    func encode(into w: inout BinaryWriter) {
        switch self {
        case .null: w.write(UInt8(0))
        case .int(let n): w.write(UInt8(1)); w.write(n)
        case .double(let d): w.write(UInt8(2)); w.write(d.bitPattern)
        case .text(let t): w.write(UInt8(3)); w.write(t)
        }
    }

    static func decode(from r: inout BinaryReader) -> RowValue? {
        switch r.read(UInt8.self) {
        case 0: return .null
        case 1: return r.read(Int64.self).map(RowValue.int)
        case 2: return r.read(UInt64.self).map { .double(Double(bitPattern: $0)) }
        case 3: return r.readString().map(RowValue.text)
        default: return nil
        }
    }

    /// A row's columns in name order, so equal rows give equal bytes.
    static func encode(_ row: Row, into w: inout BinaryWriter) {
        w.write(UInt32(row.count))
        for key in row.keys.sorted() { w.write(key); row[key]!.encode(into: &w) }
    }

    static func decodeRow(from r: inout BinaryReader) -> Row? {
        guard let n = r.read(UInt32.self), Int(n) <= r.remaining else { return nil }
        var row: Row = [:]
        for _ in 0..<n {
            guard let key = r.readString(), let value = decode(from: &r) else { return nil }
            row[key] = value
        }
        return row
    }
}

extension PersonyzeTables {
    func encode(into w: inout BinaryWriter) {
        w.write(UInt32(tables.count))
        for table in Table.allCases {
            guard let rows = tables[table] else { continue }
            w.write(table.rawValue); w.write(Int64(rows.nextID)); w.write(UInt32(rows.rows.count))
            for id in rows.ids { w.write(Int64(id)); RowValue.encode(rows.rows[id]!, into: &w) }
        }
        w.write(UInt32(userModifiedMs.count))
        for user in userModifiedMs.keys.sorted() { w.write(user); w.write(userModifiedMs[user]!) }
    }

    static func decode(from r: inout BinaryReader) -> PersonyzeTables? {
        var out = PersonyzeTables()
        guard let n = r.read(UInt32.self), Int(n) <= Table.allCases.count else { return nil }
        for _ in 0..<n {
            guard let table = r.readString().flatMap(Table.init(rawValue:)), let next = r.read(Int64.self), let count = r.read(UInt32.self),
                  Int(count) <= r.remaining else { return nil }
            var rows = RowTable()
            for _ in 0..<count {
                guard let id = r.read(Int64.self), id > 0, let row = RowValue.decodeRow(from: &r) else { return nil }
                rows.put(Int(id), row)
            }
            rows.nextID = max(rows.nextID, Int(clamping: next))
            out.tables[table] = rows
        }
        guard let users = r.read(UInt32.self), Int(users) <= r.remaining else { return nil }
        for _ in 0..<users {
            guard let user = r.read(UInt32.self), let ms = r.read(Int64.self) else { return nil }
            out.userModifiedMs[user] = ms
        }
        return out
    }
}

/// The edit: a kind byte (1 put rows, 2 delete rows, 3 users) and its fields.
extension PersonyzeEdit {
    func encode(into w: inout BinaryWriter) {
        switch self {
        case .putRows(let table, let writes, let nowMs):
            w.write(UInt8(1)); w.write(table.rawValue); w.write(nowMs); w.write(UInt32(writes.count))
            for write in writes {
                w.write(Int64(write.id)); w.write(UInt32(write.values.count))
                for key in write.values.keys.sorted() {
                    w.write(key)
                    if let value = write.values[key]! { w.write(UInt8(1)); value.encode(into: &w) } else { w.write(UInt8(0)) }
                }
            }
        case .deleteRows(let table, let ids):
            w.write(UInt8(2)); w.write(table.rawValue); w.write(array: ids.map { Int64($0) })
        case .users(let writes):
            w.write(UInt8(3)); w.write(writes.nowMs)
            Mutation.encode(writes.events, into: &w)
            w.write(UInt32(writes.profiles.count))
            for profile in writes.profiles {
                w.write(profile.user); w.write(UInt32(profile.changes.count))
                for change in profile.changes { w.write(change.key); w.write(UInt8(change.value == nil ? 0 : 1)); w.write(change.value ?? "") }
            }
            w.write(UInt32(writes.lists.count)); for list in writes.lists { list.encode(into: &w) }
        }
    }

    static func decode(from r: inout BinaryReader) -> PersonyzeEdit? {
        switch r.read(UInt8.self) {
        case 1:
            guard let table = r.readString().flatMap(PersonyzeTables.Table.init(rawValue:)), let nowMs = r.read(Int64.self),
                  let n = r.read(UInt32.self), Int(n) <= r.remaining else { return nil }
            var writes: [RowWrite] = []
            for _ in 0..<n {
                guard let id = r.read(Int64.self), id > 0, let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
                var values: [String: RowValue?] = [:]
                for _ in 0..<count {
                    guard let key = r.readString(), let present = r.read(UInt8.self) else { return nil }
                    switch present {
                    case 0: values[key] = .some(nil)
                    case 1: guard let value = RowValue.decode(from: &r) else { return nil }; values[key] = .some(value)
                    default: return nil
                    }
                }
                writes.append(RowWrite(id: Int(id), values: values))
            }
            return .putRows(table, writes, nowMs: nowMs)
        case 2:
            guard let table = r.readString().flatMap(PersonyzeTables.Table.init(rawValue:)), let ids = r.readArray(Int64.self),
                  ids.allSatisfy({ $0 > 0 }) else { return nil }
            return .deleteRows(table, ids: ids.map { Int($0) })
        case 3:
            guard let nowMs = r.read(Int64.self), let events = Mutation.decodeEvents(from: &r), let n = r.read(UInt32.self), Int(n) <= r.remaining else { return nil }
            var profiles: [ProfileChange] = []
            for _ in 0..<n {
                guard let user = r.readString(), let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
                var changes: [ProfileEdit.PropertyChange] = []
                for _ in 0..<count {
                    guard let key = r.readString(), let present = r.read(UInt8.self), present <= 1, let value = r.readString() else { return nil }
                    changes.append(.init(key, present == 1 ? value : nil))
                }
                profiles.append(ProfileChange(user: user, changes: changes))
            }
            guard let listCount = r.read(UInt32.self), Int(listCount) <= r.remaining else { return nil }
            var lists: [SegmentEdit] = []
            for _ in 0..<listCount {
                guard let edit = SegmentEdit.decode(from: &r) else { return nil }
                lists.append(edit)
            }
            return .users(UserWrites(events: events, profiles: profiles, lists: lists, nowMs: nowMs))
        default:
            return nil
        }
    }
}
