import Runtime

/// Nudges as bytes, for the WAL and snapshots.
extension NudgeDefinition {
    public func encode(into w: inout BinaryWriter) {
        func optional(_ text: String?) { w.write(UInt8(text == nil ? 0 : 1)); w.write(text ?? "") }
        w.write(title); optional(body); optional(buttonText); w.write(kind.rawValue); w.write(targetPage)
        w.write(Int64(targetSegment ?? -1)); optional(goalEvent)
        // Only polls carry choices: records of the older kinds keep the bytes they always had.
        if kind == .poll { w.write(UInt32(choices.count)); for choice in choices { w.write(choice) } }
    }

    public static func decode(from r: inout BinaryReader) -> NudgeDefinition? {
        func optional() -> String?? {
            guard let present = r.read(UInt8.self), let text = r.readString() else { return nil }
            return .some(present == 1 ? text : nil)
        }
        guard let title = r.readString(), let body = optional(), let button = optional(), let kindName = r.readString(),
              let kind = Nudge.Kind(rawValue: kindName), let page = r.readString(), let segment = r.read(Int64.self), let goal = optional() else { return nil }
        var choices: [String] = []
        if kind == .poll {
            guard let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
            for _ in 0..<count {
                guard let choice = r.readString() else { return nil }
                choices.append(choice)
            }
        }
        return NudgeDefinition(title: title, body: body, buttonText: button, kind: kind, targetPage: page,
                               targetSegment: segment < 0 ? nil : Int(segment), goalEvent: goal, choices: choices)
    }
}

extension Nudges {
    func encode(into w: inout BinaryWriter) {
        w.write(Int64(nextID)); w.write(UInt32(byID.count))
        for (id, n) in byID.sorted(by: { $0.key < $1.key }) {
            w.write(Int64(id))
            n.definition.encode(into: &w)
            w.write(n.status.rawValue); w.write(n.createdMs); w.write(n.updatedMs); w.write(bitmap: n.audience)
            w.write(array: n.audienceLog.map(\.user)); w.write(array: n.audienceLog.map(\.atMs)); w.write(array: n.audienceLog.map { UInt8($0.entered ? 1 : 0) })
            let shown = n.shownAt.sorted { $0.key < $1.key }
            w.write(array: shown.map(\.key)); w.write(array: shown.map(\.value))
            w.write(bitmap: n.clicked); w.write(bitmap: n.dismissed); w.write(Int64(n.impressions)); w.write(Int64(n.clicks))
        }
    }

    static func decode(from r: inout BinaryReader) -> Nudges? {
        var nudges = Nudges()
        guard let next = r.read(Int64.self), let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
        nudges.nextID = Int(next)
        for _ in 0..<count {
            guard let id = r.read(Int64.self), let d = NudgeDefinition.decode(from: &r), let statusName = r.readString(),
                  let status = Nudge.Status(rawValue: statusName), let created = r.read(Int64.self), let updated = r.read(Int64.self),
                  let audience = r.readBitmap(), let logUsers = r.readArray(UInt32.self), let logTimes = r.readArray(Int64.self),
                  let logEntered = r.readArray(UInt8.self), logUsers.count == logTimes.count, logUsers.count == logEntered.count,
                  let shownUsers = r.readArray(UInt32.self), let shownTimes = r.readArray(Int64.self), shownUsers.count == shownTimes.count,
                  let clicked = r.readBitmap(), let dismissed = r.readBitmap(), let impressions = r.read(Int64.self), let clicks = r.read(Int64.self)
            else { return nil }
            var n = Nudge(id: Int(id), title: d.title, body: d.body, buttonText: d.buttonText, kind: d.kind, targetPage: d.targetPage,
                          targetSegment: d.targetSegment, goalEvent: d.goalEvent, choices: d.choices, status: status, createdMs: created, updatedMs: updated)
            n.audience = audience
            n.audienceLog = logUsers.indices.map { AudienceEntry(user: logUsers[$0], atMs: logTimes[$0], entered: logEntered[$0] == 1) }
            n.shownAt = Dictionary(zip(shownUsers, shownTimes), uniquingKeysWith: { first, _ in first })
            n.clicked = clicked; n.dismissed = dismissed; n.impressions = Int(impressions); n.clicks = Int(clicks)
            nudges.byID[Int(id)] = n
        }
        return nudges
    }
}

extension Nudges {
    /// Per nudge (by id): users who ever entered, entries and exits.
    func encodeTotals(into w: inout BinaryWriter) {
        w.write(UInt32(byID.count))
        for (id, n) in byID.sorted(by: { $0.key < $1.key }) {
            w.write(Int64(id)); w.write(bitmap: n.everEntered); w.write(Int64(n.audienceEntries)); w.write(Int64(n.audienceExits))
        }
    }

    /// Must follow the nudges section; every id must be a nudge's.
    mutating func decodeTotals(from r: inout BinaryReader) -> Bool {
        guard let count = r.read(UInt32.self), Int(count) == byID.count else { return false }
        for _ in 0..<count {
            guard let id = r.read(Int64.self), byID[Int(id)] != nil, let entered = r.readBitmap(),
                  let entries = r.read(Int64.self), let exits = r.read(Int64.self), entries >= 0, exits >= 0 else { return false }
            byID[Int(id)]!.everEntered = entered
            byID[Int(id)]!.audienceEntries = Int(entries)
            byID[Int(id)]!.audienceExits = Int(exits)
        }
        return true
    }
}

extension Nudges {
    /// Per nudge (by id): its tracked actions, oldest first, as three arrays (users, actions, times).
    func encodeHistory(into w: inout BinaryWriter) {
        w.write(UInt32(byID.count))
        for (id, n) in byID.sorted(by: { $0.key < $1.key }) {
            w.write(Int64(id))
            w.write(array: n.history.map(\.user))
            w.write(array: n.history.map { UInt8(NudgeEdit.TrackedAction.allCases.firstIndex(of: $0.action)!) })
            w.write(array: n.history.map(\.atMs))
        }
    }

    func encodeVersions(into w: inout BinaryWriter) {
        w.write(UInt32(byID.count))
        for (id, n) in byID.sorted(by: { $0.key < $1.key }) {
            w.write(Int64(id)); w.write(UInt32(n.versions.count))
            for v in n.versions { v.definition.encode(into: &w); w.write(v.status.rawValue); w.write(v.atMs) }
        }
    }

    /// Must follow the nudges section; every id must be a nudge's.
    mutating func decodeVersions(from r: inout BinaryReader) -> Bool {
        guard let count = r.read(UInt32.self), Int(count) == byID.count else { return false }
        for _ in 0..<count {
            guard let id = r.read(Int64.self), byID[Int(id)] != nil, let n = r.read(UInt32.self), Int(n) <= r.remaining else { return false }
            var versions: [NudgeVersion] = []
            for _ in 0..<n {
                guard let d = NudgeDefinition.decode(from: &r), let status = r.readString().flatMap(Nudge.Status.init(rawValue:)), let atMs = r.read(Int64.self) else { return false }
                versions.append(NudgeVersion(definition: d, status: status, atMs: atMs))
            }
            byID[Int(id)]!.versions = versions
        }
        return true
    }

    /// Snapshots from before versions were kept: each nudge's one known version is as it stands.
    mutating func deriveVersions() {
        for id in byID.keys where byID[id]!.versions.isEmpty { byID[id]!.recordVersion(atMs: byID[id]!.updatedMs) }
    }

    /// Must follow the nudges section; every id must be a nudge's, every action a known one.
    mutating func decodeHistory(from r: inout BinaryReader) -> Bool {
        guard let count = r.read(UInt32.self), Int(count) == byID.count else { return false }
        let actions = NudgeEdit.TrackedAction.allCases
        for _ in 0..<count {
            guard let id = r.read(Int64.self), byID[Int(id)] != nil, let users = r.readArray(UInt32.self), let kinds = r.readArray(UInt8.self),
                  let times = r.readArray(Int64.self), users.count == kinds.count, users.count == times.count,
                  kinds.allSatisfy({ Int($0) < actions.count }) else { return false }
            byID[Int(id)]!.history = users.indices.map { GuideEvent(user: users[$0], action: actions[Int(kinds[$0])], atMs: times[$0]) }
        }
        return true
    }
}
