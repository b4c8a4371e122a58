import Runtime

/// Impact actions in bytes: each action's fields in order (inside the signal `act` that starts
/// it), the store as its next id and its actions, and an outcome edit.
extension ImpactAction {
    func encode(into w: inout BinaryWriter) {
        w.write(Int64(id)); w.write(source.rawValue); w.write(sourceRef); w.write(actionType); w.write(member)
        w.write(metric.rule.rawValue); w.write(metric.subject); w.write(baseline.bitPattern); w.write(Int32(clamping: windowDays)); w.write(createdMs)
        w.write(outcome.rawValue); w.write(UInt8(outcomeValue == nil ? 0 : 1)); w.write((outcomeValue ?? 0).bitPattern)
        w.write(outcomeMs ?? .min); w.write(UInt8(manual ? 1 : 0))
    }

    static func decode(from r: inout BinaryReader) -> ImpactAction? {
        guard let id = r.read(Int64.self), let sourceName = r.readString(), let source = Source(rawValue: sourceName),
              let sourceRef = r.readString(), let actionType = r.readString(), let member = r.readString(),
              let ruleName = r.readString(), let rule = SignalRule(rawValue: ruleName), let subject = r.readString(),
              let baseline = r.read(UInt64.self), let windowDays = r.read(Int32.self), windowDays >= 0, let createdMs = r.read(Int64.self),
              let outcomeName = r.readString(), let outcome = Outcome(rawValue: outcomeName), let hasValue = r.read(UInt8.self), hasValue <= 1,
              let value = r.read(UInt64.self), let outcomeMs = r.read(Int64.self), let manual = r.read(UInt8.self), manual <= 1 else { return nil }
        return ImpactAction(id: Int(id), source: source, sourceRef: sourceRef, actionType: actionType, member: member,
                            metric: ImpactMetric(rule: rule, subject: subject), baseline: Double(bitPattern: baseline), windowDays: Int(windowDays),
                            createdMs: createdMs, outcome: outcome, outcomeValue: hasValue == 1 ? Double(bitPattern: value) : nil,
                            outcomeMs: outcomeMs == .min ? nil : outcomeMs, manual: manual == 1)
    }
}

extension ImpactActions {
    func encode(into w: inout BinaryWriter) {
        w.write(Int64(nextID)); w.write(UInt32(byID.count))
        for a in byID.values.sorted(by: { $0.id < $1.id }) { a.encode(into: &w) }
    }

    static func decode(from r: inout BinaryReader) -> ImpactActions? {
        guard let nextID = r.read(Int64.self), let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
        var byID: [Int: ImpactAction] = [:]
        for _ in 0..<count {
            guard let a = ImpactAction.decode(from: &r), byID[a.id] == nil, a.id < nextID else { return nil }
            byID[a.id] = a
        }
        return ImpactActions(byID: byID, nextID: Int(nextID))
    }
}

extension ImpactEdit {
    func encode(into w: inout BinaryWriter) {
        switch self {
        case .outcome(let id, let resolved, let value, let atMs, let manual):
            w.write(UInt8(1)); w.write(Int64(id)); w.write(UInt8(resolved ? 1 : 0)); w.write(UInt8(value == nil ? 0 : 1))
            w.write((value ?? 0).bitPattern); w.write(atMs); w.write(UInt8(manual ? 1 : 0))
        }
    }

    static func decode(from r: inout BinaryReader) -> ImpactEdit? {
        guard r.read(UInt8.self) == 1, let id = r.read(Int64.self), let resolved = r.read(UInt8.self), resolved <= 1,
              let hasValue = r.read(UInt8.self), hasValue <= 1, let value = r.read(UInt64.self), let atMs = r.read(Int64.self),
              let manual = r.read(UInt8.self), manual <= 1 else { return nil }
        return .outcome(id: Int(id), resolved: resolved == 1, value: hasValue == 1 ? Double(bitPattern: value) : nil, atMs: atMs, manual: manual == 1)
    }
}
