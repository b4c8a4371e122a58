import Runtime

/// Journeys as bytes, for the WAL and snapshots.
extension JourneyDefinition {
    public func encode(into w: inout BinaryWriter) {
        w.write(name); w.write(UInt32(steps.count))
        for step in steps { w.write(step.eventType); w.write(step.label) }
        w.write(Int32(windowDays)); w.write(status.rawValue)
    }

    public static func decode(from r: inout BinaryReader) -> JourneyDefinition? {
        guard let name = r.readString(), let count = r.read(UInt32.self), count <= 64 else { return nil }
        var steps: [JourneyStep] = []
        for _ in 0..<count {
            guard let type = r.readString(), let label = r.readString() else { return nil }
            steps.append(JourneyStep(eventType: type, label: label))
        }
        guard let window = r.read(Int32.self), let statusName = r.readString(), let status = Journey.Status(rawValue: statusName) else { return nil }
        return JourneyDefinition(name: name, steps: steps, windowDays: Int(window), status: status)
    }
}

extension Journeys {
    func encode(into w: inout BinaryWriter) {
        w.write(Int64(nextID)); w.write(UInt32(byID.count))
        for (id, j) in byID.sorted(by: { $0.key < $1.key }) {
            w.write(Int64(id))
            JourneyDefinition(name: j.name, steps: j.steps, windowDays: j.windowDays, status: j.status).encode(into: &w)
            w.write(j.createdMs); w.write(j.updatedMs)
            w.write(UInt32(j.snapshots.count))
            for s in j.snapshots { w.write(s.day); w.write(array: s.users.map { UInt64($0) }) }
            w.write(UInt32(j.decisions.count))
            for (rec, d) in j.decisions.sorted(by: { $0.key < $1.key }) { w.write(rec); w.write(d.action.rawValue); w.write(d.atMs) }
        }
    }

    static func decode(from r: inout BinaryReader) -> Journeys? {
        var journeys = Journeys()
        guard let next = r.read(Int64.self), let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
        journeys.nextID = Int(next)
        for _ in 0..<count {
            guard let id = r.read(Int64.self), let d = JourneyDefinition.decode(from: &r), let created = r.read(Int64.self),
                  let updated = r.read(Int64.self), let snapshotCount = r.read(UInt32.self), Int(snapshotCount) <= r.remaining else { return nil }
            var j = Journey(id: Int(id), name: d.name, steps: d.steps, windowDays: d.windowDays, status: d.status, createdMs: created, updatedMs: updated)
            for _ in 0..<snapshotCount {
                guard let day = r.read(DayNumber.self), let users = r.readCounts() else { return nil }
                j.snapshots.append(JourneySnapshot(day: day, users: users))
            }
            guard let decisionCount = r.read(UInt32.self), Int(decisionCount) <= r.remaining else { return nil }
            for _ in 0..<decisionCount {
                guard let rec = r.readString(), let name = r.readString(), let action = RecommendationDecision.Action(rawValue: name),
                      let at = r.read(Int64.self) else { return nil }
                j.decisions[rec] = RecommendationDecision(action: action, atMs: at)
            }
            journeys.byID[Int(id)] = j
        }
        return journeys
    }
}
