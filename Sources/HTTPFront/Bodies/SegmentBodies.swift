/// `POST /api/segments` and `PUT /api/segments/:id`; an edit changes only the fields it names.
struct SegmentBody: Decodable {
    var name: PatchField<String>
    /// Rule nodes (docs/segments.md), read by `SegmentRuleParsing`.
    var rules: PatchField<JSONValue>
    var folder: PatchField<String>
    var segmentType: String?

    enum CodingKeys: String, CodingKey {
        case name, rules, folder, segmentType = "segment_type"
    }
}

/// `POST /api/segments/estimate`.
struct SegmentEstimateBody: Decodable {
    var rules: JSONValue?
    @WholeNumber var sampleSize: Int?

    enum CodingKeys: String, CodingKey { case rules, sampleSize = "sample_size" }
}

/// `POST /api/segments/folders`.
struct FolderBody: Decodable {
    var name: String?
}
