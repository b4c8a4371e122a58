/// One change to the nudges, as logged in the WAL: definitions, state changes, what the tracker
/// reported, and audience changes found by a refresh (with their time).
public enum NudgeEdit: Sendable, Equatable {
    case create(NudgeDefinition, id: Int, nowMs: Int64)
    case update(NudgeDefinition, id: Int, nowMs: Int64)
    /// Activating a nudge starts tracking its impact, in the same record (docs/impact.md).
    case setStatus(id: Int, status: Nudge.Status, nowMs: Int64, impact: ImpactAction? = nil)
    case delete(id: Int)
    case track(id: Int, user: String, action: TrackedAction, atMs: Int64)
    /// The audience after a refresh: who entered and who left.
    case audience(id: Int, entered: [UInt32], exited: [UInt32], atMs: Int64)
    /// Forgets what `user` (nil: every user) was shown, clicked and dismissed, so the nudge shows
    /// again: the Pendo-compatible API's guide resets. Without a user the counts start over too.
    case resetSeen(id: Int, user: String?)

    public enum TrackedAction: String, Sendable, CaseIterable { case impression, click, dismiss }
}

/// The fields a nudge is created or edited with.
public struct NudgeDefinition: Sendable, Equatable {
    public var title: String
    public var body: String?
    public var buttonText: String?
    public var kind: Nudge.Kind
    public var targetPage: String
    public var targetSegment: Int?
    public var goalEvent: String?
    /// A poll's answers; empty for other kinds.
    public var choices: [String]

    public init(title: String, body: String? = nil, buttonText: String? = nil, kind: Nudge.Kind = .floating, targetPage: String,
                targetSegment: Int? = nil, goalEvent: String? = nil, choices: [String] = []) {
        self.title = title; self.body = body; self.buttonText = buttonText; self.kind = kind; self.targetPage = targetPage
        self.targetSegment = targetSegment; self.goalEvent = goalEvent; self.choices = choices
    }
}

public enum NudgeEditRefusal: Error, Sendable, Equatable {
    case unknownNudge(Int)
    case unknownSegment(Int)
    case unknownUser(String)
    case duplicateImpact(Int)
}

extension TenantState {
    public var nextNudgeID: Int { nudges.nextID }

    public func refusal(of edit: NudgeEdit) -> NudgeEditRefusal? {
        switch edit {
        case .create(let definition, _, _):
            return definition.targetSegment.flatMap { segments.byID[$0] == nil ? .unknownSegment($0) : nil }
        case .update(let definition, let id, _):
            guard nudges.byID[id] != nil else { return .unknownNudge(id) }
            return definition.targetSegment.flatMap { segments.byID[$0] == nil ? .unknownSegment($0) : nil }
        case .setStatus(let id, _, _, let action):
            if let action, impact.byID[action.id] != nil { return .duplicateImpact(action.id) }
            return nudges.byID[id] == nil ? .unknownNudge(id) : nil
        case .delete(let id):
            return nudges.byID[id] == nil ? .unknownNudge(id) : nil
        case .audience(let id, let entered, let exited, _):
            guard nudges.byID[id] != nil else { return .unknownNudge(id) }
            if let stray = (entered + exited).first(where: { Int($0) >= users.count }) { return .unknownUser("#\(stray)") }
            return nil
        case .track(let id, let user, _, _):
            guard nudges.byID[id] != nil else { return .unknownNudge(id) }
            return knownUser(user) == nil ? .unknownUser(user) : nil
        case .resetSeen(let id, _):
            return nudges.byID[id] == nil ? .unknownNudge(id) : nil
        }
    }

    public mutating func apply(_ edit: NudgeEdit) throws(NudgeEditRefusal) {
        if let refusal = refusal(of: edit) { throw refusal }
        switch edit {
        case .create(let d, let id, let nowMs):
            var nudge = Nudge(id: id, title: d.title, body: d.body, buttonText: d.buttonText, kind: d.kind, targetPage: d.targetPage,
                              targetSegment: d.targetSegment, goalEvent: d.goalEvent, choices: d.choices, status: .draft, createdMs: nowMs, updatedMs: nowMs)
            nudge.audience = audienceNow(d.targetSegment)
            for user in nudge.audience.members { nudge.logAudience(AudienceEntry(user: user, atMs: nowMs, entered: true)) }
            nudge.recordVersion(atMs: nowMs)
            nudges.byID[id] = nudge
            nudges.nextID = max(nudges.nextID, id &+ 1)   // &+: an id read back from the WAL must not trap
        case .update(let d, let id, let nowMs):
            var nudge = nudges.byID[id]!
            let retarget = nudge.targetSegment != d.targetSegment
            nudge.title = d.title; nudge.body = d.body; nudge.buttonText = d.buttonText; nudge.kind = d.kind
            nudge.targetPage = d.targetPage; nudge.targetSegment = d.targetSegment; nudge.goalEvent = d.goalEvent; nudge.choices = d.choices; nudge.updatedMs = nowMs
            nudge.recordVersion(atMs: nowMs)
            nudges.byID[id] = nudge
            if retarget {
                let after = audienceNow(d.targetSegment)
                moveAudience(id, entered: after.subtracting(nudge.audience).members, exited: nudge.audience.subtracting(after).members, atMs: nowMs)
            }
        case .setStatus(let id, let status, let nowMs, let started):
            nudges.byID[id]!.status = status; nudges.byID[id]!.updatedMs = nowMs
            nudges.byID[id]!.recordVersion(atMs: nowMs)
            if let started { addImpactAction(started) }
        case .delete(let id):
            nudges.byID[id] = nil
        case .track(let id, let user, let action, let atMs):
            let u = knownUser(user)!
            nudges.byID[id]!.record(GuideEvent(user: u, action: action, atMs: atMs))
            switch action {
            case .impression:
                nudges.byID[id]!.impressions += 1
                if nudges.byID[id]!.shownAt[u] == nil { nudges.byID[id]!.shownAt[u] = atMs }
            case .click: nudges.byID[id]!.clicks += 1; nudges.byID[id]!.clicked.insert(u)
            case .dismiss: nudges.byID[id]!.dismissed.insert(u)
            }
        case .audience(let id, let entered, let exited, let atMs):
            moveAudience(id, entered: entered, exited: exited, atMs: atMs)
        case .resetSeen(let id, let user):
            var nudge = nudges.byID[id]!
            if let user {
                // A user never seen has nothing to forget.
                guard let u = knownUser(user) else { return }
                nudge.shownAt[u] = nil; nudge.clicked.remove(u); nudge.dismissed.remove(u)
                nudge.history.removeAll { $0.user == u }
            } else {
                nudge.shownAt = [:]; nudge.clicked = Bitmap(); nudge.dismissed = Bitmap()
                nudge.history = []; nudge.impressions = 0; nudge.clicks = 0
            }
            nudges.byID[id] = nudge
        }
        version &+= 1
    }

    /// A nudge without a segment is for everyone; its audience is not listed user by user.
    private func audienceNow(_ segment: Int?) -> Bitmap {
        segment.flatMap { segments.byID[$0]?.members } ?? Bitmap()
    }

    private mutating func moveAudience(_ id: Int, entered: [UInt32], exited: [UInt32], atMs: Int64) {
        for u in entered { nudges.byID[id]!.audience.insert(u); nudges.byID[id]!.logAudience(AudienceEntry(user: u, atMs: atMs, entered: true)) }
        for u in exited { nudges.byID[id]!.audience.remove(u); nudges.byID[id]!.logAudience(AudienceEntry(user: u, atMs: atMs, entered: false)) }
    }

    /// The audience edits that segment changes call for: one per nudge whose segment moved.
    public func audienceEdits(for changes: [SegmentChange], nowMs: Int64) -> [NudgeEdit] {
        guard !nudges.byID.isEmpty else { return [] }
        var edits: [NudgeEdit] = []
        for change in changes {
            for nudge in nudges.byID.values.sorted(by: { $0.id < $1.id }) where nudge.targetSegment == change.segment {
                let entered = change.entered.subtracting(nudge.audience).members, exited = change.exited.intersection(nudge.audience).members
                if !entered.isEmpty || !exited.isEmpty { edits.append(.audience(id: nudge.id, entered: entered, exited: exited, atMs: nowMs)) }
            }
        }
        return edits
    }
}
