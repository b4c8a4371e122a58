import Runtime

extension IdempotencyKeys {
    /// Entries oldest first: key, fingerprint, time, and the answer when there is one.
    func encode(into w: inout BinaryWriter) {
        let list = entriesInOrder
        w.write(UInt32(list.count))
        for entry in list {
            w.write(entry.key); w.write(entry.fingerprint); w.write(entry.atMs)
            w.write(UInt8(entry.answer == nil ? 0 : 1))
            if let answer = entry.answer { w.write(UInt16(clamping: answer.status)); w.write(bytes: answer.body) }
        }
    }

    static func decode(from r: inout BinaryReader) -> IdempotencyKeys? {
        guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
        var keys = IdempotencyKeys()
        for _ in 0..<count {
            guard let key = r.readString(), key.utf8.count <= maxKeyBytes, let fingerprint = r.read(UInt64.self), let atMs = r.read(Int64.self),
                  let hasAnswer = r.read(UInt8.self) else { return nil }
            keys.register(key, fingerprint: fingerprint, atMs: atMs)
            if hasAnswer == 1 {
                guard let status = r.read(UInt16.self), let body = r.readBytes() else { return nil }
                keys.recordAnswer(key, Answer(status: Int(status), body: Array(body)))
            }
        }
        return keys
    }
}
