import Runtime

extension MessageIDs {
    /// Ids oldest first, each with the time it was seen.
    func encode(into w: inout BinaryWriter) {
        let list = entriesInOrder
        w.write(UInt32(list.count))
        for entry in list { w.write(entry.id); w.write(entry.atMs) }
    }

    static func decode(from r: inout BinaryReader) -> MessageIDs? {
        guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
        var ids = MessageIDs()
        for _ in 0..<count {
            guard let id = r.readString(), id.utf8.count <= maxIDBytes, let atMs = r.read(Int64.self) else { return nil }
            ids.insert(id, atMs: atMs)
        }
        return ids
    }
}
