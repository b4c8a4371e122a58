import Foundation

/// `user_interests` (docs/personyze.md, "Reports"): per user, the catalogue values (categories and
/// tags) of the products and articles they interacted with. Each interaction adds its kind's
/// weight, halved for every 30 days it is older than the tenant's newest event, to every value of
/// the catalogue row it names.
public enum PersonyzeInterests {
    public static let indexed: Set<String> = ["user_id", "time"]
    public static let halfLifeMs: Double = 30 * 86_400_000

    /// Weight per interaction event type, and whether it names a product (else an article).
    public static let weights: [String: (weight: Double, product: Bool)] = [
        "product_viewed": (1, true), "product_delivered": (0.25, true), "product_added": (3, true),
        "product_favorited": (4, true), "product_purchased": (5, true),
        "article_viewed": (1, false), "article_liked": (3, false), "article_commented": (3, false), "article_goal": (5, false),
    ]

    struct Key: Hashable { var user: UInt32; var value: String; var kind: String }
    struct Interest { var rank = 0.0; var times = 0; var lastMs = Int64.min }

    /// The catalogue values a row gives: its category (as `category` for products, `interest` for
    /// articles) and each of its comma-separated tags.
    static func values(of row: Row, product: Bool) -> [(value: String, kind: String)] {
        var out: [(String, String)] = []
        if let category = row["category"], !category.isNull, !category.text.isEmpty { out.append((category.text, product ? "category" : "interest")) }
        if let tags = row["tags"], !tags.isNull {
            var seen: Set<String> = []
            for tag in tags.text.split(separator: ",") {
                let trimmed = tag.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty, seen.insert(trimmed).inserted { out.append((trimmed, "tag")) }
            }
        }
        return out
    }

    public static func rows(_ state: TenantState, _ query: RowQuery, budget: inout Int) throws(RowQueryTooLarge) -> [Row] {
        var pass = PersonyzeEventPass(state: state)
        pass.types = PersonyzeEventPass.flags(state, Set(weights.keys))
        if let pinned = PersonyzeUsers(state).pinnedIndexes(query) {
            guard !pinned.isEmpty else { return [] }
            pass.users = pinned
        }
        guard let newest = state.newestTimestampMs else { return [] }
        let products = state.personyze[.products], articles = state.personyze[.articles]
        let productKey = state.propertySets.keys.lookup("product_id"), articleKey = state.propertySets.keys.lookup("article_id")
        // Per interned value id, the catalogue values it names (worked out once per id).
        var productValues: [UInt32: [(value: String, kind: String)]] = [:], articleValues: [UInt32: [(value: String, kind: String)]] = [:]
        let typeWeights: [(weight: Double, product: Bool)?] = (0..<UInt32(state.eventTypeNames.count)).map { weights[state.eventTypeNames.string($0)] }
        var interests: [Key: Interest] = [:]
        var read = 0
        pass.run { c, row, user, _ in
            read += 1
            guard let kind = typeWeights[Int(c.types[row])], let key = kind.product ? productKey : articleKey,
                  let v = state.propertySets.value(of: key, in: PropertySetIndex(c.propertySets[row])) else { return true }
            let named: [(value: String, kind: String)]
            if kind.product {
                if let known = productValues[v] { named = known } else {
                    named = products.byInternalID[state.propertySets.values.string(v)].flatMap { products.rows[$0] }.map { values(of: $0, product: true) } ?? []
                    productValues[v] = named
                }
            } else {
                if let known = articleValues[v] { named = known } else {
                    named = articles.byInternalID[state.propertySets.values.string(v)].flatMap { articles.rows[$0] }.map { values(of: $0, product: false) } ?? []
                    articleValues[v] = named
                }
            }
            guard !named.isEmpty else { return true }
            let ts = c.timestamps[row]
            let weight = kind.weight * pow(2, -Double(newest - ts) / halfLifeMs)
            for (value, k) in named {
                var interest = interests[Key(user: user, value: value, kind: k)] ?? Interest()
                interest.rank += weight; interest.times += 1; interest.lastMs = max(interest.lastMs, ts)
                interests[Key(user: user, value: value, kind: k)] = interest
            }
            return true
        }
        budget -= read
        if budget < 0 { throw RowQueryTooLarge() }
        let ordered = interests.sorted { a, b in a.key.user != b.key.user ? a.key.user < b.key.user : a.key.kind != b.key.kind ? a.key.kind < b.key.kind : a.key.value < b.key.value }
        return query.select(ordered.map { key, interest in
            ["user_id": .int(Int64(key.user) + 1), "value": .text(key.value), "class": .text(key.kind), "rank": .double(interest.rank),
             "n_times": .int(Int64(interest.times)), "time": .int(interest.lastMs / 1000)]
        })
    }
}
