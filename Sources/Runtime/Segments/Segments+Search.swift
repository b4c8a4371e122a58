/// Finding segments: by folder, and by a search over names, event types and property keys.
extension Segments {
    /// Segments in `folder` (any when nil) whose name or rules mention `search` (lowercased;
    /// any when nil), by id.
    public func matching(folder: String?, search: String?) -> [Segment] {
        byID.values.filter { s in
            (folder == nil || s.folder == folder) && (search.map { Self.searchText(of: s).contains($0.lowercased()) } ?? true)
        }.sorted { $0.id < $1.id }
    }

    /// What a search looks in: the name and the rules' event types and property keys.
    static func searchText(of segment: Segment) -> String {
        func words(_ rule: SegmentRule) -> [String] {
            switch rule {
            case .didEvent(let e, _, let filters): [e] + filters.map(\.property)
            case .didNotEvent(let e, _), .eventCount(let e, _, _, _): [e]
            case .userProperty(let f), .accountProperty(let f): [f.property]
            case .all(let rules), .any(let rules): rules.flatMap(words)
            case .not(let r): words(r)
            default: []
            }
        }
        return ([segment.name] + segment.rules.flatMap(words)).joined(separator: " ").lowercased()
    }

    /// Segments per folder.
    public var folderSizes: [(folder: String, segments: Int)] {
        folders.map { f in (f, byID.values.filter { $0.folder == f }.count) }
    }
}

/// How two segments overlap and which event types their members use differently.
extension TenantState {
    public struct SegmentOverlap: Sendable {
        public var sizeA: Int
        public var sizeB: Int
        public var overlap: Int
        /// Overlap over union, to four decimals; 0 for two empty segments.
        public var jaccard: Double
        public var differences: [UsageDifference]
    }

    public func segmentOverlap(_ a: Segment, _ b: Segment, range: DayRange) -> SegmentOverlap {
        let overlap = a.members.intersectionCount(b.members), union = a.members.unionCount(b.members)
        return SegmentOverlap(sizeA: a.members.count, sizeB: b.members.count, overlap: overlap,
                              jaccard: union == 0 ? 0 : (Double(overlap) / Double(union) * 10_000).rounded() / 10_000,
                              differences: usageDifferences(a.members, b.members, range: range))
    }
}
