import Runtime

extension MessageIDs {
    /// Hashes oldest first, each with the time it was seen (section `messageIDHashes`).
    func encode(into w: inout BinaryWriter) {
        let list = entriesInOrder
        w.write(UInt32(list.count))
        for entry in list { w.write(entry.hash); w.write(entry.atMs) }
    }

    /// Adds the ids of section `messageIDHashes` to `ids`; false when the bytes do not decode.
    static func decode(from r: inout BinaryReader, into ids: inout MessageIDs) -> Bool {
        guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return false }
        for _ in 0..<count {
            guard let hash = r.read(UInt64.self), hash != 0, let atMs = r.read(Int64.self) else { return false }
            ids.insert(hash: hash, atMs: atMs)
        }
        return true
    }

    /// Adds the ids of section `messageIDs` as the first builds wrote it (the ids as text, each
    /// with its time) to `ids`; false when the bytes do not decode.
    static func decodeTexts(from r: inout BinaryReader, into ids: inout MessageIDs) -> Bool {
        guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return false }
        for _ in 0..<count {
            guard let id = r.readString(), id.utf8.count <= maxIDBytes, let atMs = r.read(Int64.self) else { return false }
            ids.insert(id, atMs: atMs)
        }
        return true
    }
}
