import Runtime

/// The WAL payload of a profile edit: a kind byte, the user or account, then the kind's fields.
extension ProfileEdit {
    func encode(into w: inout BinaryWriter) {
        switch self {
        case .setAccountProperties(let account, let changes):
            w.write(UInt8(1)); w.write(account); Self.encode(changes, into: &w)
        case .setAccountOwner(let account, let owner):
            w.write(UInt8(2)); w.write(account); w.write(owner)
        case .addAccountNote(let account, let note):
            w.write(UInt8(3)); w.write(account); Self.encode(note, into: &w)
        case .deleteAccountNote(let account, let noteID):
            w.write(UInt8(4)); w.write(account); w.write(noteID)
        case .setUserProperties(let user, let changes):
            w.write(UInt8(5)); w.write(user); Self.encode(changes, into: &w)
        case .addUserNote(let user, let note):
            w.write(UInt8(6)); w.write(user); Self.encode(note, into: &w)
        case .deleteUserNote(let user, let noteID):
            w.write(UInt8(7)); w.write(user); w.write(noteID)
        }
    }

    static func decode(from r: inout BinaryReader) -> ProfileEdit? {
        guard let kind = r.read(UInt8.self), let name = r.readString() else { return nil }
        switch kind {
        case 1: return decodeChanges(from: &r).map { .setAccountProperties(account: name, properties: $0) }
        case 2: return r.readString().map { .setAccountOwner(account: name, owner: $0) }
        case 3: return decodeNote(from: &r).map { .addAccountNote(account: name, note: $0) }
        case 4: return r.read(UInt64.self).map { .deleteAccountNote(account: name, noteID: $0) }
        case 5: return decodeChanges(from: &r).map { .setUserProperties(user: name, properties: $0) }
        case 6: return decodeNote(from: &r).map { .addUserNote(user: name, note: $0) }
        case 7: return r.read(UInt64.self).map { .deleteUserNote(user: name, noteID: $0) }
        default: return nil
        }
    }

    private static func encode(_ changes: [PropertyChange], into w: inout BinaryWriter) {
        w.write(UInt32(changes.count))
        for change in changes { w.write(change.key); w.write(UInt8(change.value == nil ? 0 : 1)); w.write(change.value ?? "") }
    }

    private static func decodeChanges(from r: inout BinaryReader) -> [PropertyChange]? {
        guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
        var changes: [PropertyChange] = []
        for _ in 0..<count {
            guard let key = r.readString(), let present = r.read(UInt8.self), let value = r.readString() else { return nil }
            changes.append(PropertyChange(key, present == 1 ? value : nil))
        }
        return changes
    }

    private static func encode(_ note: Note, into w: inout BinaryWriter) {
        w.write(note.id); w.write(note.content); w.write(note.createdMs)
    }

    private static func decodeNote(from r: inout BinaryReader) -> Note? {
        guard let id = r.read(UInt64.self), let content = r.readString(), let created = r.read(Int64.self) else { return nil }
        return Note(id: id, content: content, createdMs: created)
    }
}
