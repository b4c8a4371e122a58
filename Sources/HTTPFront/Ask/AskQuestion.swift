/// What a plain-language question was understood to ask (docs/ask.md).
struct AskQuestion: Equatable {
    enum Intent: String, CaseIterable {
        case activeUsers = "active_users", eventCount = "event_count", topEvents = "top_events", topPages = "top_pages"
        case funnel, decliningAccounts = "declining_accounts", unhealthyAccounts = "unhealthy_accounts"
        case userActivity = "user_activity", accountActivity = "account_activity"

        /// One question of each shape, offered when a message maps to none.
        var example: String {
            switch self {
            case .activeUsers: "How many active users did we have in the last 7 days?"
            case .eventCount: "How many signup events happened this month?"
            case .topEvents: "What are the top events this week?"
            case .topPages: "Which pages were viewed most last month?"
            case .funnel: "What is the funnel from signup to purchase?"
            case .decliningAccounts: "Which accounts are declining?"
            case .unhealthyAccounts: "Which accounts are unhealthy?"
            case .userActivity: "What did ann@example.com do this week?"
            case .accountActivity: "How is account acme doing?"
            }
        }
    }

    var intent: Intent
    var period: AskPeriod
    /// Also answer for the period before, and the change.
    var compare = false
    /// Event types: the funnel's steps, or the one counted.
    var eventTypes: [String] = []
    /// The user's name or the account's id.
    var subject: String?
}
