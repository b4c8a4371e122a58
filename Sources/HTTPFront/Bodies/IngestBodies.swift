/// `POST /ingest/merge`.
struct MergeBody: Decodable {
    var anonymousID: String?
    var userEmail: String?

    enum CodingKeys: String, CodingKey {
        case anonymousID = "anonymous_id", userEmail = "user_email"
    }
}

/// `POST /ingest/error`: a page error reported by the tracker.
struct ErrorReportBody: Decodable {
    var pageURL: String?
    var errorType: String?
    var errorMessage: String?
    @WholeNumber var statusCode: Int?
    var userEmail: String?
    var accountID: String?
    /// ISO-8601 text or epoch milliseconds.
    var timestamp: JSONValue?

    enum CodingKeys: String, CodingKey {
        case pageURL = "page_url", errorType = "error_type", errorMessage = "error_message", statusCode = "status_code"
        case userEmail = "user_email", accountID = "account_id", timestamp
    }
}
