import Runtime

/// Profiles as bytes: sorted by index so the same state always gives the same bytes.
extension Profiles {
    func encode(into w: inout BinaryWriter) {
        w.write(nextNoteID)
        w.write(UInt32(accounts.count))
        for (index, profile) in accounts.sorted(by: { $0.key < $1.key }) {
            w.write(index)
            Self.encode(profile.properties, into: &w)
            w.write(UInt8(profile.owner == nil ? 0 : 1)); w.write(profile.owner ?? "")
            Self.encode(profile.notes, into: &w)
        }
        w.write(UInt32(users.count))
        for (index, profile) in users.sorted(by: { $0.key < $1.key }) {
            w.write(index)
            Self.encode(profile.properties, into: &w)
            Self.encode(profile.notes, into: &w)
        }
    }

    static func decode(from r: inout BinaryReader) -> Profiles? {
        var profiles = Profiles()
        guard let next = r.read(UInt64.self), let accountCount = r.read(UInt32.self) else { return nil }
        profiles.nextNoteID = next
        for _ in 0..<accountCount {
            guard let index = r.read(UInt32.self), let properties = decodeProperties(from: &r), let hasOwner = r.read(UInt8.self),
                  let owner = r.readString(), let notes = decodeNotes(from: &r) else { return nil }
            profiles.accounts[index] = AccountProfile(properties: properties, owner: hasOwner == 1 ? owner : nil, notes: notes)
        }
        guard let userCount = r.read(UInt32.self) else { return nil }
        for _ in 0..<userCount {
            guard let index = r.read(UInt32.self), let properties = decodeProperties(from: &r), let notes = decodeNotes(from: &r) else { return nil }
            profiles.users[index] = UserProfile(properties: properties, notes: notes)
        }
        return profiles
    }

    private static func encode(_ properties: [String: String], into w: inout BinaryWriter) {
        w.write(UInt32(properties.count))
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) { w.write(key); w.write(value) }
    }

    private static func decodeProperties(from r: inout BinaryReader) -> [String: String]? {
        guard let count = r.read(UInt32.self) else { return nil }
        var properties: [String: String] = [:]
        for _ in 0..<count {
            guard let key = r.readString(), let value = r.readString() else { return nil }
            properties[key] = value
        }
        return properties
    }

    private static func encode(_ notes: [Note], into w: inout BinaryWriter) {
        w.write(UInt32(notes.count))
        for note in notes { w.write(note.id); w.write(note.content); w.write(note.createdMs) }
    }

    private static func decodeNotes(from r: inout BinaryReader) -> [Note]? {
        guard let count = r.read(UInt32.self) else { return nil }
        var notes: [Note] = []
        for _ in 0..<count {
            guard let id = r.read(UInt64.self), let content = r.readString(), let created = r.read(Int64.self) else { return nil }
            notes.append(Note(id: id, content: content, createdMs: created))
        }
        return notes
    }
}
