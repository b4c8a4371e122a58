import Runtime

/// The objects under `/personyze/rest` (docs/personyze.md, "Objects"): the methods each takes,
/// its primary key, and the indexed columns a read must filter or sort by.
enum PersonyzeObject: String, CaseIterable, Sendable {
    case users, userLists = "user_lists", userListUsers = "user_list_users", actions, conditions
    case placeholders, grabVariables = "containers_grab_variable", products, articles
    case productsInteractions = "products_interactions", events, forms, commands = "do"
    case sessionsArchive = "sessions_archive", userInterests = "user_interests", summaryActions = "summary_actions"
    case productsStats1Day = "products_stats_1day", productsStats2Day = "products_stats_2day", productsStats4Day = "products_stats_4day"
    case productsStatsWeek = "products_stats_week", productsStatsRecent = "products_stats_recent", productsStatsAll = "products_stats_all"
    case trackerCode = "tracker_code"

    /// The window of a `products_stats_*` object.
    var statsWindow: PersonyzeProductStats.Window? {
        rawValue.hasPrefix("products_stats_") ? PersonyzeProductStats.Window(rawValue: String(rawValue.dropFirst("products_stats_".count))) : nil
    }

    enum Method: String, Sendable { case get = "GET", post = "POST", put = "PUT", delete = "DELETE" }

    var methods: [Method] {
        switch self {
        case .users, .userLists, .placeholders, .grabVariables, .products, .articles: [.get, .post, .put, .delete]
        case .userListUsers, .productsInteractions: [.get, .post, .delete]
        case .commands: [.post]
        default: [.get]
        }
    }

    /// The column `/<id>` names; nil where rows have no single id.
    var primaryKey: String? {
        switch self {
        case .users: "user_id"
        case .userLists, .actions, .conditions, .placeholders, .grabVariables, .products, .articles: "id"
        default: nil
        }
    }

    /// Columns that let a read skip the whole-table refusal; nil: small tables read whole.
    var indexed: Set<String>? {
        switch self {
        case .users: PersonyzeUsers.indexed
        case .productsInteractions: PersonyzeInteractions.interactionIndexed
        case .events: PersonyzeInteractions.eventIndexed
        case .forms: PersonyzeInteractions.formIndexed
        case .sessionsArchive: PersonyzeSessions.indexed
        case .userInterests: PersonyzeInterests.indexed
        case .summaryActions: PersonyzeSummaryActions.indexed
        case .productsStats1Day, .productsStats2Day, .productsStats4Day, .productsStatsWeek, .productsStatsRecent, .productsStatsAll:
            PersonyzeProductStats.indexed
        default: nil
        }
    }

    /// The Beacon table behind a configuration or catalogue object.
    var table: PersonyzeTables.Table? {
        switch self {
        case .placeholders: .placeholders
        case .grabVariables: .grabVariables
        case .products: .products
        case .articles: .articles
        default: nil
        }
    }

    /// Whether a read is narrow enough: every alternative of its `where` tests an indexed
    /// column, or it is sorted by one (the seed's `Cannot do this operation on whole table`).
    func allowsRead(_ query: RowQuery) -> Bool {
        guard let indexed else { return true }
        // The strictest: every read of summary_actions names its days.
        if self == .summaryActions { return query.bounds(of: "day") != nil }
        if let first = query.orderBy.first, indexed.contains(first) { return true }
        return !query.conditions.isEmpty && query.conditions.allSatisfy { group in group.contains { indexed.contains($0.column) } }
    }
}
