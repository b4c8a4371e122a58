/// One change to the segments, as logged in the WAL; it carries its id and clock, so replaying
/// it gives the same segment with the same members.
public enum SegmentEdit: Sendable, Equatable {
    case create(id: Int, name: String, folder: String?, isStatic: Bool, rules: [SegmentRule], nowMs: Int64, owner: String? = nil, description: String? = nil)
    /// nil leaves a field as it is; `folder: .some(nil)` takes the segment out of its folder (and
    /// `description: .some(nil)` clears the description).
    case update(id: Int, name: String?, folder: String??, rules: [SegmentRule]?, nowMs: Int64, description: String?? = nil)
    case delete(id: Int)
    case createFolder(name: String)
    /// Adds and removes ids of a visitor-list segment (one whose rules are a single
    /// `visitorList`); `replacing` sets the whole list first. Members follow at once.
    case editVisitors(id: Int, replacing: Set<String>?, adding: [String], removing: [String], nowMs: Int64)
}

public enum SegmentEditRefusal: Error, Sendable, Equatable {
    case unknownSegment(Int)
    /// `in_segment` names a segment that does not exist.
    case unknownReference(Int)
    /// The rules would read the segment itself, directly or through others.
    case cycle(Int)
    case duplicateName(String)
    case duplicateFolder(String)
    /// Other segments read this one.
    case inUse(by: [Int])
    /// Nudges target this one.
    case targeted(by: [Int])
    /// Only a visitor-list segment's ids can be edited.
    case notVisitorList(Int)
    /// The list would hold more ids than a segment may.
    case tooManyVisitors(limit: Int)
}

extension TenantState {
    public func refusal(of edit: SegmentEdit) -> SegmentEditRefusal? {
        switch edit {
        case .create(let id, let name, _, _, let rules, _, _, _):
            if segments.byID.values.contains(where: { $0.name == name }) { return .duplicateName(name) }
            return referenceProblem(rules, for: id)
        case .update(let id, let name, _, let rules, _, _):
            guard segments.byID[id] != nil else { return .unknownSegment(id) }
            if let name, segments.byID.values.contains(where: { $0.name == name && $0.id != id }) { return .duplicateName(name) }
            return rules.flatMap { referenceProblem($0, for: id) }
        case .delete(let id):
            guard segments.byID[id] != nil else { return .unknownSegment(id) }
            let readers = segments.byID.values.filter { $0.rules.flatMap(\.segmentReferences).contains(id) }.map(\.id).sorted()
            if !readers.isEmpty { return .inUse(by: readers) }
            let targeting = nudges.byID.values.filter { $0.targetSegment == id }.map(\.id).sorted()
            return targeting.isEmpty ? nil : .targeted(by: targeting)
        case .createFolder(let name):
            return segments.folders.contains(name) ? .duplicateFolder(name) : nil
        case .editVisitors(let id, let replacing, let adding, _, _):
            guard let segment = segments.byID[id] else { return .unknownSegment(id) }
            guard let listed = segment.visitorList else { return .notVisitorList(id) }
            let size = (replacing ?? listed).count + adding.count
            return size > Segment.maxListedVisitors && (replacing ?? listed).union(adding).count > Segment.maxListedVisitors
                ? .tooManyVisitors(limit: Segment.maxListedVisitors) : nil
        }
    }

    private func referenceProblem(_ rules: [SegmentRule], for id: Int) -> SegmentEditRefusal? {
        for reference in rules.flatMap(\.segmentReferences) where reference == id || segments.byID[reference] == nil {
            return reference == id ? .cycle(id) : .unknownReference(reference)
        }
        return segments.reads(rules, reaching: id) ? .cycle(id) : nil
    }

    /// The id the next created segment should carry.
    public var nextSegmentID: Int { segments.nextID }

    public mutating func apply(_ edit: SegmentEdit) throws(SegmentEditRefusal) {
        if let refusal = refusal(of: edit) { throw refusal }
        switch edit {
        case .create(let id, let name, let folder, let isStatic, let rules, let nowMs, let owner, let description):
            let members = segmentMembers(rules, nowMs: nowMs)
            segments.byID[id] = Segment(id: id, name: name, folder: folder, isStatic: isStatic, rules: rules,
                                        createdMs: nowMs, updatedMs: nowMs, members: members, owner: owner, description: description)
            segments.nextID = max(segments.nextID, id &+ 1)   // &+: an id read back from the WAL must not trap
            if let folder { addFolder(folder) }
        case .update(let id, let name, let folder, let rules, let nowMs, let description):
            var segment = segments.byID[id]!
            if let name { segment.name = name }
            if let description { segment.description = description }
            if let folder { segment.folder = folder; if let folder { addFolder(folder) } }
            if let rules { segment.rules = rules; segment.members = segmentMembers(rules, nowMs: nowMs) }
            segment.updatedMs = nowMs
            segments.byID[id] = segment
        case .delete(let id):
            segments.byID[id] = nil
        case .createFolder(let name):
            addFolder(name)
        case .editVisitors(let id, let replacing, let adding, let removing, let nowMs):
            var segment = segments.byID[id]!
            var listed = replacing ?? segment.visitorList!
            listed.formUnion(adding)
            listed.subtract(removing)
            segment.rules = [.visitorList(listed)]
            // Adding only grows the members; a removed id may share its user with a kept alias.
            if replacing == nil && removing.isEmpty {
                segment.members.formUnion(listedUsers(Set(adding)))
            } else {
                segment.members = listedUsers(listed)
            }
            segment.updatedMs = nowMs
            segments.byID[id] = segment
        }
        rewatch()
        version &+= 1
    }

    private mutating func addFolder(_ name: String) {
        if !segments.folders.contains(name) { segments.folders.append(name); segments.folders.sort() }
    }

    private func segmentMembers(_ rules: [SegmentRule], nowMs: Int64) -> Bitmap {
        let existing = segments.byID
        return members(of: rules, today: day(of: nowMs)) { existing[$0]?.members }
    }

    /// Works out which event types the dynamic segments read.
    mutating func rewatch() {
        let dynamic = segments.byID.values.filter { !$0.isStatic }
        segments.watchedNames = dynamic.reduce(into: Set<String>()) { names, s in for rule in s.rules { names.formUnion(rule.eventNames) } }
        segments.watchesEveryEvent = dynamic.contains { $0.rules.contains(where: \.readsEveryEvent) }
        segments.watched = (0..<eventTypeNames.count).map { segments.watchedNames.contains(eventTypeNames.string(UInt32($0))) }
    }
}
