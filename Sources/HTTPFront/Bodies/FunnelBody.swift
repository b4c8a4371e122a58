/// `POST /api/funnels`.
struct FunnelBody: Decodable {
    var steps: [Step]?
    var exclusions: [Exclusion]?
    @WholeNumber var windowDays: Int?
    @WholeNumber var days: Int?
    var end: String?
    var users: Users?

    enum CodingKeys: String, CodingKey {
        case steps, exclusions, windowDays = "window_days", days, end, users
    }

    /// An event type, or `{"event","where","within_minutes"}`.
    struct Step: Decodable {
        var event: String?
        var filters: JSONValue?
        @WholeNumber var withinMinutes: Int?

        enum CodingKeys: String, CodingKey {
            case event, filters = "where", withinMinutes = "within_minutes"
        }

        init(from decoder: any Decoder) throws {
            if let event = try? decoder.singleValueContainer().decode(String.self) {
                self.event = event
                return
            }
            guard let fields = try? decoder.container(keyedBy: CodingKeys.self) else {
                throw APIError.badRequest(field: DecodingProblem.text(decoder.codingPath), "must be an event type or an object")
            }
            event = try fields.decodeIfPresent(String.self, forKey: .event)
            filters = try fields.decodeIfPresent(JSONValue.self, forKey: .filters)
            _withinMinutes = try fields.decode(WholeNumber.self, forKey: .withinMinutes)
        }
    }

    struct Exclusion: Decodable {
        var event: String?
        var filters: JSONValue?
        @WholeNumber var afterStep: Int?

        enum CodingKeys: String, CodingKey {
            case event, filters = "where", afterStep = "after_step"
        }
    }

    /// Who converted at, or dropped before, a step.
    struct Users: Decodable {
        @WholeNumber var step: Int?
        /// "converted" or "dropped"; anything but a string means converted, as docs/openapi.yaml says.
        var status: JSONValue?
        @WholeNumber var limit: Int?
        @WholeNumber var offset: Int?
    }
}
