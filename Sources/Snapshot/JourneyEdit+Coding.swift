import Runtime

/// The WAL payload of a journey edit: a kind byte, the journey id, then the kind's fields.
extension JourneyEdit {
    func encode(into w: inout BinaryWriter) {
        switch self {
        case .create(let d, let id, let nowMs): w.write(UInt8(1)); w.write(Int64(id)); d.encode(into: &w); w.write(nowMs)
        case .update(let d, let id, let nowMs): w.write(UInt8(2)); w.write(Int64(id)); d.encode(into: &w); w.write(nowMs)
        case .delete(let id): w.write(UInt8(3)); w.write(Int64(id))
        case .snapshot(let id, let day, let users): w.write(UInt8(4)); w.write(Int64(id)); w.write(day); w.write(array: users.map { UInt64($0) })
        case .decide(let id, let rec, let action, let atMs, let impact):
            w.write(UInt8(5)); w.write(Int64(id)); w.write(rec); w.write(action.rawValue); w.write(atMs)
            // Records from before impact tracking end here.
            if let impact { w.write(UInt8(1)); impact.encode(into: &w) }
        }
    }

    static func decode(from r: inout BinaryReader) -> JourneyEdit? {
        guard let kind = r.read(UInt8.self), let rawID = r.read(Int64.self) else { return nil }
        let id = Int(rawID)
        switch kind {
        case 1, 2:
            guard let d = JourneyDefinition.decode(from: &r), let nowMs = r.read(Int64.self) else { return nil }
            return kind == 1 ? .create(d, id: id, nowMs: nowMs) : .update(d, id: id, nowMs: nowMs)
        case 3: return .delete(id: id)
        case 4:
            guard let day = r.read(DayNumber.self), let users = r.readCounts() else { return nil }
            return .snapshot(id: id, day: day, users: users)
        case 5:
            guard let rec = r.readString(), let name = r.readString(), let action = RecommendationDecision.Action(rawValue: name),
                  let atMs = r.read(Int64.self) else { return nil }
            guard r.remaining > 0 else { return .decide(id: id, recommendation: rec, action: action, atMs: atMs) }
            guard r.read(UInt8.self) == 1, let impact = ImpactAction.decode(from: &r) else { return nil }
            return .decide(id: id, recommendation: rec, action: action, atMs: atMs, impact: impact)
        default: return nil
        }
    }
}
