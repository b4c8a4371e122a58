import Runtime

/// The objects under `/personyze/rest` (docs/personyze.md, "Objects"): the methods each takes,
/// its primary key, and the indexed columns a read must filter or sort by.
enum PersonyzeObject: String, CaseIterable, Sendable {
    case users, userLists = "user_lists", userListUsers = "user_list_users", actions, conditions
    case placeholders, grabVariables = "containers_grab_variable", products, articles
    case trackerCode = "tracker_code"

    enum Method: String, Sendable { case get = "GET", post = "POST", put = "PUT", delete = "DELETE" }

    var methods: [Method] {
        switch self {
        case .users, .userLists, .placeholders, .grabVariables, .products, .articles: [.get, .post, .put, .delete]
        case .userListUsers: [.get, .post, .delete]
        case .actions, .conditions, .trackerCode: [.get]
        }
    }

    /// The column `/<id>` names; nil where rows have no single id.
    var primaryKey: String? {
        switch self {
        case .users: "user_id"
        case .userListUsers, .trackerCode: nil
        default: "id"
        }
    }

    /// Columns that let a read skip the whole-table refusal; nil: small tables read whole.
    var indexed: Set<String>? {
        switch self {
        case .users: PersonyzeUsers.indexed
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
        if let first = query.orderBy.first, indexed.contains(first) { return true }
        return !query.conditions.isEmpty && query.conditions.allSatisfy { group in group.contains { indexed.contains($0.column) } }
    }
}
