import Runtime

/// Discoveries in bytes: success events and records field by field, the store as its next id,
/// definitions version, success events and records, and each edit with a leading tag.
extension SuccessEvent {
    func encode(into w: inout BinaryWriter) {
        w.write(Int64(id)); w.write(eventType); w.write(Int32(clamping: windowDays)); w.write(Int32(clamping: behaviourDays)); w.write(createdMs)
    }

    static func decode(from r: inout BinaryReader) -> SuccessEvent? {
        guard let id = r.read(Int64.self), let eventType = r.readString(), let window = r.read(Int32.self), let behaviour = r.read(Int32.self),
              (1...Int32(SuccessEvent.maxWindowDays)).contains(window), (1...window).contains(behaviour), let createdMs = r.read(Int64.self) else { return nil }
        return SuccessEvent(id: Int(id), eventType: eventType, windowDays: Int(window), behaviourDays: Int(behaviour), createdMs: createdMs)
    }
}

extension DiscoveryRecord {
    func encode(into w: inout BinaryWriter) {
        w.write(Int64(id)); w.write(Int64(successID)); w.write(behaviour.kind.rawValue); w.write(behaviour.eventType)
        w.write(behaviour.key); w.write(behaviour.value); w.write(status.rawValue); w.write(UInt8(pinned ? 1 : 0)); w.write(foundMs); w.write(updatedMs)
    }

    static func decode(from r: inout BinaryReader) -> DiscoveryRecord? {
        guard let id = r.read(Int64.self), let successID = r.read(Int64.self), let kindName = r.readString(), let kind = DiscoveryBehaviour.Kind(rawValue: kindName),
              let eventType = r.readString(), let key = r.readString(), let value = r.readString(),
              let statusName = r.readString(), let status = Status(rawValue: statusName), let pinned = r.read(UInt8.self), pinned <= 1,
              let foundMs = r.read(Int64.self), let updatedMs = r.read(Int64.self) else { return nil }
        return DiscoveryRecord(id: Int(id), successID: Int(successID), behaviour: DiscoveryBehaviour(kind: kind, eventType: eventType, key: key, value: value),
                               status: status, pinned: pinned == 1, foundMs: foundMs, updatedMs: updatedMs)
    }
}

extension Discoveries {
    func encode(into w: inout BinaryWriter) {
        w.write(Int64(nextID)); w.write(Int64(definitionsVersion))
        w.write(UInt32(successEvents.count))
        for s in successEvents.values.sorted(by: { $0.id < $1.id }) { s.encode(into: &w) }
        w.write(UInt32(records.count))
        for d in records.values.sorted(by: { $0.id < $1.id }) { d.encode(into: &w) }
    }

    static func decode(from r: inout BinaryReader) -> Discoveries? {
        guard let nextID = r.read(Int64.self), let definitions = r.read(Int64.self), let successCount = r.read(UInt32.self),
              successCount <= UInt32(Discoveries.maxSuccessEvents) else { return nil }
        var d = Discoveries()
        d.nextID = Int(nextID); d.definitionsVersion = Int(definitions)
        for _ in 0..<successCount {
            guard let s = SuccessEvent.decode(from: &r), d.successEvents[s.id] == nil, s.id < nextID else { return nil }
            d.successEvents[s.id] = s
        }
        guard let recordCount = r.read(UInt32.self), Int(recordCount) <= r.remaining else { return nil }
        for _ in 0..<recordCount {
            guard let record = DiscoveryRecord.decode(from: &r), d.records[record.id] == nil, record.id < nextID,
                  d.successEvents[record.successID] != nil else { return nil }
            let key = Key(successID: record.successID, behaviour: record.behaviour)
            guard d.idByKey[key] == nil else { return nil }
            d.records[record.id] = record; d.idByKey[key] = record.id
        }
        return d
    }
}

extension DiscoveryEdit {
    func encode(into w: inout BinaryWriter) {
        switch self {
        case .addSuccessEvent(let s): w.write(UInt8(1)); s.encode(into: &w)
        case .removeSuccessEvent(let id): w.write(UInt8(2)); w.write(Int64(id))
        case .found(let records, let retired):
            w.write(UInt8(3)); w.write(UInt32(records.count))
            for r in records { r.encode(into: &w) }
            w.write(UInt32(retired.count))
            for id in retired { w.write(Int64(id)) }
        case .mark(let id, let status, let pinned, let atMs):
            w.write(UInt8(4)); w.write(Int64(id)); w.write(status?.rawValue ?? ""); w.write(UInt8(pinned.map { $0 ? 2 : 1 } ?? 0)); w.write(atMs)
        }
    }

    static func decode(from r: inout BinaryReader) -> DiscoveryEdit? {
        switch r.read(UInt8.self) {
        case 1: return SuccessEvent.decode(from: &r).map(DiscoveryEdit.addSuccessEvent)
        case 2: return r.read(Int64.self).map { .removeSuccessEvent(id: Int($0)) }
        case 3:
            guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
            var records: [DiscoveryRecord] = []
            for _ in 0..<count {
                guard let record = DiscoveryRecord.decode(from: &r) else { return nil }
                records.append(record)
            }
            guard let retiredCount = r.read(UInt32.self), Int(retiredCount) <= r.remaining else { return nil }
            var retired: [Int] = []
            for _ in 0..<retiredCount {
                guard let id = r.read(Int64.self) else { return nil }
                retired.append(Int(id))
            }
            return .found(records, retired: retired)
        case 4:
            guard let id = r.read(Int64.self), let statusName = r.readString(), let pinned = r.read(UInt8.self), pinned <= 2,
                  let atMs = r.read(Int64.self) else { return nil }
            let status: DiscoveryRecord.Status?
            if statusName.isEmpty { status = nil } else {
                guard let s = DiscoveryRecord.Status(rawValue: statusName) else { return nil }
                status = s
            }
            return .mark(id: Int(id), status: status, pinned: pinned == 0 ? nil : pinned == 2, atMs: atMs)
        default: return nil
        }
    }
}
