import Runtime

/// A metrics list: `{"range","data":[rows],"limit","offset","total"?}`, plus what the list is
/// of (`metric` and `point` for the users behind a point, `event` and `property` for a property's
/// values, with `other` past the kept ones).
struct MetricsListAnswer<Row: Encodable>: Encodable {
    struct Point: Encodable { var date: String; var from: String; var to: String }

    var metric: String?
    var point: Point?
    var event: String?
    var property: String?
    var range: MetricsSeriesAnswer.Range
    var data: [Row]
    var other: MetricsValueRow?
    var limit: Int
    var offset: Int
    var total: Int?

    init(range window: MetricsWindow, data: [Row], list: MetricsListParameters, total: Int) {
        range = MetricsSeriesAnswer.range(window)
        self.data = data
        limit = list.limit
        offset = list.offset
        self.total = list.total(total)
    }
}

/// `{"user_id","events","first_seen","last_seen"}`.
struct MetricsUserListRow: Encodable {
    var userId: String
    var events: Int
    var firstSeen: String
    var lastSeen: String

    init(_ row: MetricsUserRow) {
        userId = row.user; events = row.events
        firstSeen = ISOText.timestamp(row.firstSeenMs); lastSeen = ISOText.timestamp(row.lastSeenMs)
    }
}

/// `{"timestamp","event","user_id","page","properties"}`, `page` null when the event had none.
struct MetricsEventListRow: Encodable {
    var row: MetricsEventRow

    enum CodingKeys: String, CodingKey { case timestamp, event, userId = "user_id", page, properties }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ISOText.timestamp(row.timestampMs), forKey: .timestamp)
        try c.encode(row.event, forKey: .event)
        try c.encode(row.user, forKey: .userId)
        try c.encode(row.page, forKey: .page)
        try c.encode(row.properties, forKey: .properties)
    }
}

/// `{"event","count","users"}`.
struct MetricsTopEventRow: Encodable {
    var event: String
    var count: Int
    var users: Int
}

/// `{"value","count","users"}`, `value` null for events without the property.
struct MetricsValueRow: Encodable {
    var count: MetricsValueCount

    enum CodingKeys: String, CodingKey { case value, count, users }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(count.value, forKey: .value)
        try c.encode(count.count, forKey: .count)
        try c.encode(count.users, forKey: .users)
    }
}
