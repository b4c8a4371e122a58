/// A saved segment: its rules and its members. A static segment's members are frozen when it
/// is created (or its rules change); a dynamic one's follow the data.
public struct Segment: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var folder: String?
    public var isStatic: Bool
    public var rules: [SegmentRule]
    public var createdMs: Int64
    public var updatedMs: Int64
    public internal(set) var members: Bitmap
    /// The member who created it (docs/metrics-api.md, Roles); nil for segments made before owners were kept.
    public var owner: String?
    public var description: String?

    package init(id: Int, name: String, folder: String?, isStatic: Bool, rules: [SegmentRule], createdMs: Int64, updatedMs: Int64, members: Bitmap,
                 owner: String? = nil, description: String? = nil) {
        self.id = id; self.name = name; self.folder = folder; self.isStatic = isStatic; self.rules = rules
        self.createdMs = createdMs; self.updatedMs = updatedMs; self.members = members; self.owner = owner; self.description = description
    }
}

extension Segment {
    /// The seed's cap on an uploaded visitor list.
    public static let maxListedVisitors = 10_000_000

    /// The ids of a visitor-list segment; nil for a segment defined by other rules.
    public var visitorList: Set<String>? {
        guard rules.count == 1, case .visitorList(let ids) = rules[0] else { return nil }
        return ids
    }
}

/// Entries into and exits from a dynamic segment found by one refresh.
public struct SegmentChange: Sendable, Equatable {
    public var segment: Int
    public var entered: Bitmap
    public var exited: Bitmap
}

/// The tenant's segments, folders and the bookkeeping that keeps dynamic segments current:
/// events of the types their rules read mark their users as touched, and a refresh re-judges
/// only those users (or recomputes a segment whole when that is cheaper, when a rule needs an
/// event scan, or when the day has turned and windows moved).
public struct Segments: Sendable {
    public package(set) var byID: [Int: Segment] = [:]
    public package(set) var folders: [String] = []
    public package(set) var nextID = 1
    /// Users with events of a watched type since the last refresh.
    var touched = Bitmap()
    /// Per event type id: whether some dynamic segment reads it.
    var watched: [Bool] = []
    var watchesEveryEvent = false
    var watchedNames: Set<String> = []
    /// The day memberships were last worked out for; nil: they must be recomputed whole.
    var refreshedDay: DayNumber?

    public init() {}

    public var isEmpty: Bool { byID.isEmpty }

    /// Called for every applied event while any dynamic segment exists.
    @inline(__always)
    mutating func touch(user: UInt32, type: UInt32) {
        if watchesEveryEvent || (Int(type) < watched.count && watched[Int(type)]) { touched.insert(user) }
    }

    var isWatching: Bool { watchesEveryEvent || !watchedNames.isEmpty }

    /// Segments in an order where every segment comes after those it reads.
    func dependencyOrder() -> [Int] {
        var order: [Int] = [], done = Set<Int>()
        func visit(_ id: Int) {
            guard !done.contains(id), let segment = byID[id] else { return }
            done.insert(id)
            for reference in segment.rules.flatMap(\.segmentReferences) { visit(reference) }
            order.append(id)
        }
        for id in byID.keys.sorted() { visit(id) }
        return order
    }

    /// Whether `id`'s rules would read `target`, directly or through other segments.
    func reads(_ rules: [SegmentRule], reaching target: Int) -> Bool {
        var seen = Set<Int>()
        var stack = rules.flatMap(\.segmentReferences)
        while let next = stack.popLast() {
            if next == target { return true }
            guard seen.insert(next).inserted, let segment = byID[next] else { continue }
            stack.append(contentsOf: segment.rules.flatMap(\.segmentReferences))
        }
        return false
    }
}
