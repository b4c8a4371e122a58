/// Definitions that name an event type follow it when it is renamed or merged into another.
extension Journeys {
    mutating func renameEventType(_ old: String, to new: String) {
        for id in byID.keys {
            for k in byID[id]!.steps.indices where byID[id]!.steps[k].eventType == old { byID[id]!.steps[k].eventType = new }
        }
    }
}

extension Discoveries {
    /// A success event on `old` moves to `new` unless one is on `new` already (then it stays, naming a type with no events).
    mutating func renameEventType(_ old: String, to new: String) {
        let taken = successEvents.values.contains { $0.eventType == new }
        for id in successEvents.keys where successEvents[id]!.eventType == old && !taken { successEvents[id]!.eventType = new }
        for id in records.keys where records[id]!.behaviour.eventType == old {
            let before = Key(successID: records[id]!.successID, behaviour: records[id]!.behaviour)
            var after = before
            after.behaviour.eventType = new
            if idByKey[after] != nil { idByKey[before] = nil; records[id] = nil; continue }
            idByKey[before] = nil; idByKey[after] = id
            records[id]!.behaviour.eventType = new
        }
        definitionsVersion &+= 1
    }
}

extension Workspace {
    mutating func renameEventType(_ old: String, to new: String) {
        for id in alerts.keys where alerts[id]!.metric == .eventType(old) { alerts[id]!.metric = .eventType(new) }
        for id in goals.keys where goals[id]!.metric == .eventType(old) { goals[id]!.metric = .eventType(new) }
        if let label = labels.removeValue(forKey: old), labels[new] == nil { labels[new] = label }
    }
}
