import Runtime

/// The WAL payload of a nudge edit: a kind byte, the nudge id, then the kind's fields.
extension NudgeEdit {
    func encode(into w: inout BinaryWriter) {
        switch self {
        case .create(let d, let id, let nowMs):
            w.write(UInt8(1)); w.write(Int64(id)); d.encode(into: &w); w.write(nowMs)
        case .update(let d, let id, let nowMs):
            w.write(UInt8(2)); w.write(Int64(id)); d.encode(into: &w); w.write(nowMs)
        case .setStatus(let id, let status, let nowMs, let impact):
            w.write(UInt8(3)); w.write(Int64(id)); w.write(status.rawValue); w.write(nowMs)
            // Records from before impact tracking end here.
            if let impact { w.write(UInt8(1)); impact.encode(into: &w) }
        case .delete(let id):
            w.write(UInt8(4)); w.write(Int64(id))
        case .track(let id, let user, let action, let atMs):
            w.write(UInt8(5)); w.write(Int64(id)); w.write(user); w.write(action.rawValue); w.write(atMs)
        case .audience(let id, let entered, let exited, let atMs):
            w.write(UInt8(6)); w.write(Int64(id)); w.write(array: entered); w.write(array: exited); w.write(atMs)
        case .resetSeen(let id, let user):
            w.write(UInt8(7)); w.write(Int64(id)); w.write(UInt8(user == nil ? 0 : 1)); w.write(user ?? "")
        }
    }

    static func decode(from r: inout BinaryReader) -> NudgeEdit? {
        guard let kind = r.read(UInt8.self), let rawID = r.read(Int64.self) else { return nil }
        let id = Int(rawID)
        switch kind {
        case 1, 2:
            guard let d = NudgeDefinition.decode(from: &r), let nowMs = r.read(Int64.self) else { return nil }
            return kind == 1 ? .create(d, id: id, nowMs: nowMs) : .update(d, id: id, nowMs: nowMs)
        case 3:
            guard let name = r.readString(), let status = Nudge.Status(rawValue: name), let nowMs = r.read(Int64.self) else { return nil }
            guard r.remaining > 0 else { return .setStatus(id: id, status: status, nowMs: nowMs) }
            guard r.read(UInt8.self) == 1, let impact = ImpactAction.decode(from: &r) else { return nil }
            return .setStatus(id: id, status: status, nowMs: nowMs, impact: impact)
        case 4:
            return .delete(id: id)
        case 5:
            guard let user = r.readString(), let name = r.readString(), let action = NudgeEdit.TrackedAction(rawValue: name),
                  let atMs = r.read(Int64.self) else { return nil }
            return .track(id: id, user: user, action: action, atMs: atMs)
        case 6:
            guard let entered = r.readArray(UInt32.self), let exited = r.readArray(UInt32.self), let atMs = r.read(Int64.self) else { return nil }
            return .audience(id: id, entered: entered, exited: exited, atMs: atMs)
        case 7:
            guard let hasUser = r.read(UInt8.self), hasUser <= 1, let user = r.readString() else { return nil }
            return .resetSeen(id: id, user: hasUser == 1 ? user : nil)
        default:
            return nil
        }
    }
}
