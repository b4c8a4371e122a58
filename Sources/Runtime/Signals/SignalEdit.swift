/// One change to the signals, as logged in the WAL: raised and cleared by the rules, dismissed
/// and acted on through the API.
public enum SignalEdit: Sendable, Equatable {
    case raise(Signal)
    case clear(id: Int, atMs: Int64)
    case dismiss(id: Int, atMs: Int64)
    /// Acting on a signal starts tracking its impact: the action, its metric and the metric then.
    case act(id: Int, actionType: String, atMs: Int64, impact: ImpactAction)
}

public enum SignalEditRefusal: Error, Sendable, Equatable {
    case unknownSignal(Int)
    /// Only an open signal may be dismissed or acted on.
    case notOpen(id: Int, status: Signal.Status)
    case duplicateID(Int)
}

extension TenantState {
    public func refusal(of edit: SignalEdit) -> SignalEditRefusal? {
        switch edit {
        case .raise(let s): return signals.byID[s.id] == nil ? nil : .duplicateID(s.id)
        case .clear(let id, _): return signals.byID[id] == nil ? .unknownSignal(id) : nil
        case .dismiss(let id, _), .act(let id, _, _, _):
            guard let s = signals.byID[id] else { return .unknownSignal(id) }
            if case .act(_, _, _, let action) = edit, impact.byID[action.id] != nil { return .duplicateID(action.id) }
            return s.status == .open ? nil : .notOpen(id: id, status: s.status)
        }
    }

    public mutating func apply(_ edit: SignalEdit) throws(SignalEditRefusal) {
        if let refusal = refusal(of: edit) { throw refusal }
        switch edit {
        case .raise(let s):
            signals.byID[s.id] = s
            if s.clearedMs == nil { signals.liveByKey[s.key] = s.id }
            signals.nextID = max(signals.nextID, s.id &+ 1)   // &+: an id read back from the WAL must not trap
            trimSignals()
        case .clear(let id, let atMs):
            var s = signals.byID[id]!
            s.clearedMs = atMs
            if s.status == .open { s.status = .resolved }
            signals.byID[id] = s
            if signals.liveByKey[s.key] == id { signals.liveByKey[s.key] = nil }
        case .dismiss(let id, let atMs):
            signals.byID[id]!.status = .dismissed; signals.byID[id]!.handledMs = atMs
        case .act(let id, let actionType, let atMs, let action):
            signals.byID[id]!.status = .actioned; signals.byID[id]!.handledMs = atMs; signals.byID[id]!.actionType = actionType
            addImpactAction(action)
        }
        version &+= 1
    }

    /// Past `Signals.kept`, the oldest cleared signals go (live ones stay).
    private mutating func trimSignals() {
        guard signals.byID.count > Signals.kept else { return }
        let cleared = signals.byID.values.filter { $0.clearedMs != nil }.map(\.id).sorted()
        for id in cleared.prefix(signals.byID.count - Signals.kept) { signals.byID[id] = nil }
    }

    /// What the rules find now, as edits: a signal raised for each finding with none live, and
    /// each live signal whose finding is gone cleared.
    public func dueSignalEdits(nowMs: Int64) -> [SignalEdit] {
        let findings = signalFindings(nowMs: nowMs)
        var edits: [SignalEdit] = []
        var nextID = signals.nextID
        let found = Set(findings.map(\.key))
        for f in findings where signals.liveByKey[f.key] == nil {
            edits.append(.raise(Signal(id: nextID, rule: f.rule, subject: f.subject, title: f.title, value: f.value, baseline: f.baseline, raisedMs: nowMs)))
            nextID &+= 1
        }
        for (key, id) in signals.liveByKey.sorted(by: { $0.value < $1.value }) where !found.contains(key) {
            edits.append(.clear(id: id, atMs: nowMs))
        }
        return edits
    }
}
