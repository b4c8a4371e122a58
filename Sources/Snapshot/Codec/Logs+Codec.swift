import Runtime

/// Log records as bytes: the WAL's log batches (type 12) and the snapshot's logs section (19).
extension LogInput {
    /// `u8` has-timestamp + `i64` timestamp, optional service, `u8` level, optional source, string
    /// message, `u32` attribute count + (string key, string value) pairs.
    func encode(into w: inout BinaryWriter) {
        func optional(_ text: String?) { w.write(UInt8(text == nil ? 0 : 1)); w.write(text ?? "") }
        w.write(UInt8(timestampMs == nil ? 0 : 1)); w.write(timestampMs ?? 0)
        optional(service); w.write(level.rawValue); optional(source); w.write(message)
        w.write(UInt32(attributes.count))
        for attribute in attributes { w.write(attribute.key); w.write(attribute.value) }
    }

    static func decode(from r: inout BinaryReader) -> LogInput? {
        func optional() -> String?? {
            guard let present = r.read(UInt8.self), present <= 1, let text = r.readString() else { return nil }
            return .some(present == 1 ? text : nil)
        }
        guard let hasTimestamp = r.read(UInt8.self), hasTimestamp <= 1, let timestamp = r.read(Int64.self), let service = optional(),
              let level = r.read(UInt8.self).flatMap(LogLevel.init(rawValue:)), let source = optional(), let message = r.readString(),
              let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
        var attributes: [Attribute] = []
        for _ in 0..<count {
            guard let key = r.readString(), let value = r.readString() else { return nil }
            attributes.append(Attribute(key, value))
        }
        return LogInput(timestampMs: hasTimestamp == 1 ? timestamp : nil, service: service, level: level, source: source,
                        message: message, attributes: attributes)
    }
}

extension LogStore {
    /// The three interners, `u64` evicted count, `u32` chunk count, then per chunk (sealed, then
    /// the open one) its columns as arrays.
    func encode(into w: inout BinaryWriter) {
        services.encode(into: &w); sources.encode(into: &w); attributeKeys.encode(into: &w)
        w.write(UInt64(evictedRecords)); w.write(UInt32(sealed.count + 1))
        for chunk in chunks {
            w.write(array: chunk.timestamps); w.write(array: chunk.levels); w.write(array: chunk.services); w.write(array: chunk.sources)
            w.write(array: chunk.messageEnds); w.write(array: chunk.messageBytes); w.write(array: chunk.attributeEnds)
            w.write(array: chunk.attributeKeys); w.write(array: chunk.attributeValueEnds); w.write(array: chunk.attributeValueBytes)
        }
    }

    static func decode(from r: inout BinaryReader) -> LogStore? {
        guard let services = ByteInterner.decode(from: &r), let sources = ByteInterner.decode(from: &r),
              let keys = ByteInterner.decode(from: &r), let evicted = r.read(UInt64.self), let count = r.read(UInt32.self),
              count >= 1, Int(count) <= r.remaining else { return nil }
        var store = LogStore()
        store.services = services; store.sources = sources; store.attributeKeys = keys
        store.evictedRecords = Int(clamping: evicted)
        for n in 0..<Int(count) {
            guard let chunk = LogColumns.decode(from: &r, store: store) else { return nil }
            // Sealed chunks are full; the open one (last) is not.
            if n < Int(count) - 1 {
                guard chunk.count == chunkCapacity else { return nil }
                store.sealed.append(SealedLogChunk(chunk))
            } else {
                guard chunk.count < chunkCapacity else { return nil }
                store.open = chunk
            }
        }
        return store
    }
}

extension LogColumns {
    /// The columns, checked: equal lengths, ends rising within their arenas, ids the store interned.
    static func decode(from r: inout BinaryReader, store: LogStore) -> LogColumns? {
        var c = LogColumns()
        guard let timestamps = r.readArray(Int64.self), let levels = r.readArray(UInt8.self), let services = r.readArray(UInt32.self),
              let sources = r.readArray(UInt32.self), let messageEnds = r.readArray(UInt32.self), let messageBytes = r.readArray(UInt8.self),
              let attributeEnds = r.readArray(UInt32.self), let attributeKeys = r.readArray(UInt32.self),
              let valueEnds = r.readArray(UInt32.self), let valueBytes = r.readArray(UInt8.self) else { return nil }
        let n = timestamps.count
        guard [levels.count, services.count, sources.count, messageEnds.count, attributeEnds.count].allSatisfy({ $0 == n }),
              attributeKeys.count == valueEnds.count,
              levels.allSatisfy({ LogLevel(rawValue: $0) != nil }),
              services.allSatisfy({ $0 == LogStore.absent || Int($0) < store.services.count }),
              sources.allSatisfy({ $0 == LogStore.absent || Int($0) < store.sources.count }),
              attributeKeys.allSatisfy({ Int($0) < store.attributeKeys.count }),
              Self.rising(messageEnds, endingAt: messageBytes.count), Self.rising(attributeEnds, endingAt: attributeKeys.count),
              Self.rising(valueEnds, endingAt: valueBytes.count) else { return nil }
        c.timestamps = timestamps; c.levels = levels; c.services = services; c.sources = sources
        c.messageEnds = messageEnds; c.messageBytes = messageBytes; c.attributeEnds = attributeEnds
        c.attributeKeys = attributeKeys; c.attributeValueEnds = valueEnds; c.attributeValueBytes = valueBytes
        c.minTimestamp = timestamps.min() ?? .max
        c.maxTimestamp = timestamps.max() ?? .min
        return c
    }

    /// Ends never fall and the last is the arena's size (an empty column, an empty arena).
    private static func rising(_ ends: [UInt32], endingAt size: Int) -> Bool {
        zip(ends, ends.dropFirst()).allSatisfy { $0 <= $1 } && Int(ends.last ?? 0) == size
    }
}
