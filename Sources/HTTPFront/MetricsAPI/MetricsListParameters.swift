import Runtime

/// What the metrics API's lists take (`/raw`, `top`, `properties`): `limit`, `offset` and
/// `count_total`, each checked and named in its error.
struct MetricsListParameters {
    static let maxLimit = 10_000
    /// Event lists keep `offset + limit` candidates while they scan: the bound keeps that small.
    static let maxOffset = 1_000_000

    var limit: Int
    var offset: Int
    var countTotal: Bool

    /// The page of `rows` these parameters ask for.
    func page<Row>(_ rows: [Row]) -> [Row] { Array(rows.dropFirst(offset).prefix(limit)) }

    /// `total` when `count_total` asked for it.
    func total(_ total: Int) -> Int? { countTotal ? total : nil }
}

extension MetricsListParameters {
    init(_ query: QueryParameters, defaultLimit: Int, maxLimit: Int = Self.maxLimit) throws {
        limit = try query.int("limit", default: defaultLimit, range: 0...maxLimit)
        offset = try query.int("offset", default: 0, range: 0...Self.maxOffset)
        countTotal = try query.flag("count_total", default: false)
    }
}
