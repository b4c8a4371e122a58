import Runtime

/// Signals in bytes: each signal's fields in order (the same layout is the WAL payload of a
/// raise), the store as its next id and its signals.
extension Signal {
    func encode(into w: inout BinaryWriter) {
        w.write(Int64(id)); w.write(rule.rawValue); w.write(subject); w.write(title)
        w.write(value.bitPattern); w.write(baseline.bitPattern); w.write(raisedMs); w.write(status.rawValue)
        w.write(clearedMs ?? .min); w.write(handledMs ?? .min); w.write(actionType ?? ""); w.write(UInt8(actionType == nil ? 0 : 1))
    }

    static func decode(from r: inout BinaryReader) -> Signal? {
        guard let id = r.read(Int64.self), let ruleName = r.readString(), let rule = SignalRule(rawValue: ruleName),
              let subject = r.readString(), let title = r.readString(), let value = r.read(UInt64.self), let baseline = r.read(UInt64.self),
              let raisedMs = r.read(Int64.self), let statusName = r.readString(), let status = Signal.Status(rawValue: statusName),
              let clearedMs = r.read(Int64.self), let handledMs = r.read(Int64.self), let actionType = r.readString(),
              let hasAction = r.read(UInt8.self), hasAction <= 1 else { return nil }
        return Signal(id: Int(id), rule: rule, subject: subject, title: title, value: Double(bitPattern: value), baseline: Double(bitPattern: baseline),
                      raisedMs: raisedMs, status: status, clearedMs: clearedMs == .min ? nil : clearedMs, handledMs: handledMs == .min ? nil : handledMs,
                      actionType: hasAction == 1 ? actionType : nil)
    }
}

extension Signals {
    func encode(into w: inout BinaryWriter) {
        w.write(Int64(nextID)); w.write(UInt32(byID.count))
        for s in byID.values.sorted(by: { $0.id < $1.id }) { s.encode(into: &w) }
    }

    static func decode(from r: inout BinaryReader) -> Signals? {
        guard let nextID = r.read(Int64.self), let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
        var byID: [Int: Signal] = [:]
        for _ in 0..<count {
            guard let s = Signal.decode(from: &r), byID[s.id] == nil, s.id < nextID else { return nil }
            byID[s.id] = s
        }
        return Signals(byID: byID, nextID: Int(nextID))
    }
}

extension SignalEdit {
    func encode(into w: inout BinaryWriter) {
        switch self {
        case .raise(let s): w.write(UInt8(1)); s.encode(into: &w)
        case .clear(let id, let atMs): w.write(UInt8(2)); w.write(Int64(id)); w.write(atMs)
        case .dismiss(let id, let atMs): w.write(UInt8(3)); w.write(Int64(id)); w.write(atMs)
        case .act(let id, let actionType, let atMs, let action): w.write(UInt8(4)); w.write(Int64(id)); w.write(actionType); w.write(atMs); action.encode(into: &w)
        }
    }

    static func decode(from r: inout BinaryReader) -> SignalEdit? {
        guard let kind = r.read(UInt8.self) else { return nil }
        switch kind {
        case 1: return Signal.decode(from: &r).map { .raise($0) }
        case 2, 3:
            guard let id = r.read(Int64.self), let atMs = r.read(Int64.self) else { return nil }
            return kind == 2 ? .clear(id: Int(id), atMs: atMs) : .dismiss(id: Int(id), atMs: atMs)
        case 4:
            guard let id = r.read(Int64.self), let actionType = r.readString(), let atMs = r.read(Int64.self),
                  let action = ImpactAction.decode(from: &r) else { return nil }
            return .act(id: Int(id), actionType: actionType, atMs: atMs, impact: action)
        default: return nil
        }
    }
}
