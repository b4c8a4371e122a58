/// `POST /api/nudges` and `PUT /api/nudges/:id`; an edit changes only the fields it names, and
/// null clears an optional one.
struct NudgeBody: Decodable {
    var title: PatchField<String>
    var targetPageURL: PatchField<String>
    var nudgeType: PatchField<String>
    var body: PatchField<String>
    var buttonText: PatchField<String>
    var goalEvent: PatchField<String>
    var targetSegmentID: PatchField<WholeNumber>
    var choices: PatchField<[String]>

    enum CodingKeys: String, CodingKey {
        case title, targetPageURL = "target_page_url", nudgeType = "nudge_type", body, buttonText = "button_text"
        case goalEvent = "goal_event", targetSegmentID = "target_segment_id", choices
    }
}

/// `POST /api/nudges/:id/track`, from the in-page tracker.
struct NudgeTrackBody: Decodable {
    var eventType: String?
    var userEmail: String?

    enum CodingKeys: String, CodingKey { case eventType = "event_type", userEmail = "user_email" }
}
