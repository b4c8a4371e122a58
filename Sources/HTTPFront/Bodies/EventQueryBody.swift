/// `POST /api/events/query`.
struct EventQueryBody: Decodable {
    var includes: [Condition]?
    var excludes: [Condition]?
    @WholeNumber var days: Int?
    var end: String?
    @WholeNumber var limit: Int?
    @WholeNumber var offset: Int?

    struct Condition: Decodable {
        var event: String?
        var filters: JSONValue?
        @WholeNumber var withinDays: Int?
        @WholeNumber var minCount: Int?

        enum CodingKeys: String, CodingKey {
            case event, filters = "where", withinDays = "within_days", minCount = "min_count"
        }
    }
}
