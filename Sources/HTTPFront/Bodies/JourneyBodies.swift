/// `POST /api/journeys` and `PUT /api/journeys/:id`; an edit changes only the fields it names.
struct JourneyBody: Decodable {
    var name: PatchField<String>
    var steps: PatchField<[Step]>
    @WholeNumber var completionWindowDays: Int?
    var status: String?

    enum CodingKeys: String, CodingKey {
        case name, steps, completionWindowDays = "completion_window_days", status
    }

    struct Step: Decodable {
        var eventType: String?
        /// Anything but non-empty text means the event type, as docs/openapi.yaml says.
        var label: JSONValue?

        enum CodingKeys: String, CodingKey { case eventType = "event_type", label }
    }
}

/// `POST /api/nudges/generate`.
struct NudgeCopyBody: Decodable {
    @WholeNumber var journeyID: Int?
    @WholeNumber var stepIndex: Int?

    enum CodingKeys: String, CodingKey { case journeyID = "journey_id", stepIndex = "step_index" }
}
