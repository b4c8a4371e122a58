/// `POST /api/v1/marks`; `source` is not a field: the server sets it.
struct MarkBody: Decodable {
    var title: String?
    var description: String?
    /// ISO-8601 text or epoch milliseconds; read by `BodyField.timestamp`.
    var timestamp: JSONValue?
    var category: String?
    var sourceRef: String?
    var scope: String?
    /// JSON text; an object or array is taken as the JSON it is.
    var metadata: JSONValue?

    enum CodingKeys: String, CodingKey {
        case title, description, timestamp, category, sourceRef = "source_ref", scope, metadata
    }
}
