/// Per product (the `product_id` property of product events) and day, how many times it was
/// viewed, delivered, added to a cart, favorited and bought, and its three latest buyers: kept
/// as each event is applied, so `products_stats_*` answer from counters, not a scan. Derived from
/// the log: rebuilt when a snapshot is loaded and when events are rewritten.
public struct ProductStatsIndex: Sendable {
    /// The five counters, in the seed's order.
    public enum Metric: Int, Sendable, CaseIterable {
        case viewed, delivered, extra, favorite, goal

        /// The event type each metric counts (docs/personyze.md, "Interactions").
        public var eventType: String {
            switch self {
            case .viewed: "product_viewed"
            case .delivered: "product_delivered"
            case .extra: "product_added"
            case .favorite: "product_favorited"
            case .goal: "product_purchased"
            }
        }

        public var name: String {
            switch self {
            case .viewed: "viewed"
            case .delivered: "delivered"
            case .extra: "extra"
            case .favorite: "favorite"
            case .goal: "goal"
            }
        }

        public init?(eventType: String) {
            guard let found = Self.allCases.first(where: { $0.eventType == eventType }) else { return nil }
            self = found
        }
    }

    public struct Counts: Sendable, Equatable {
        public var values: (Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0)
        public init() {}
        public subscript(metric: Metric) -> Int {
            switch metric {
            case .viewed: Int(values.0)
            case .delivered: Int(values.1)
            case .extra: Int(values.2)
            case .favorite: Int(values.3)
            case .goal: Int(values.4)
            }
        }
        mutating func add(_ metric: Metric) {
            switch metric {
            case .viewed: values.0 &+= 1
            case .delivered: values.1 &+= 1
            case .extra: values.2 &+= 1
            case .favorite: values.3 &+= 1
            case .goal: values.4 &+= 1
            }
        }
        mutating func add(_ other: Counts) {
            values.0 &+= other.values.0; values.1 &+= other.values.1; values.2 &+= other.values.2
            values.3 &+= other.values.3; values.4 &+= other.values.4
        }
        public static func == (a: Counts, b: Counts) -> Bool { a.values == b.values }
    }

    public struct Buyer: Sendable, Equatable {
        public var user: UInt32
        public var atMs: Int64
    }

    /// One product: per-day counts in day order, their total, the newest three buyers (newest first).
    public struct Product: Sendable {
        public var days: [DayNumber] = []
        public var counts: [Counts] = []
        public var total = Counts()
        public var buyers: [Buyer] = []

        mutating func add(_ metric: Metric, day: DayNumber) {
            total.add(metric)
            if let last = days.last, last == day { counts[counts.count - 1].add(metric); return }
            var lo = 0, hi = days.count
            while lo < hi { let mid = (lo + hi) / 2; if days[mid] < day { lo = mid + 1 } else { hi = mid } }
            if lo < days.count, days[lo] == day { counts[lo].add(metric); return }
            days.insert(day, at: lo)
            var fresh = Counts()
            fresh.add(metric)
            counts.insert(fresh, at: lo)
        }

        mutating func bought(by user: UInt32, atMs: Int64) {
            if let i = buyers.firstIndex(where: { $0.user == user }) {
                guard atMs > buyers[i].atMs else { return }
                buyers.remove(at: i)
            }
            buyers.append(Buyer(user: user, atMs: atMs))
            buyers.sort { $0.atMs > $1.atMs }
            if buyers.count > 3 { buyers.removeLast(buyers.count - 3) }
        }

        /// Counts over the days `first...last`.
        public func counts(from first: DayNumber, through last: DayNumber) -> Counts {
            var sum = Counts()
            var lo = 0, hi = days.count
            while lo < hi { let mid = (lo + hi) / 2; if days[mid] < first { lo = mid + 1 } else { hi = mid } }
            var i = lo
            while i < days.count, days[i] <= last { sum.add(counts[i]); i += 1 }
            return sum
        }
    }

    /// Per interned `product_id` value.
    public private(set) var products: [UInt32: Product] = [:]
    /// Per event type index, its metric (or -1), extended as types appear.
    private var metricByType: [Int8] = []
    private var productKey: UInt32?

    public init() {}

    public var memoryBytes: Int { products.count * 96 + products.values.reduce(0) { $0 + $1.days.count * 24 } }

    @inline(__always)
    mutating func record(type: UInt32, properties: PropertySetIndex, user: UInt32, timestampMs: Int64, day: DayNumber,
                         typeNames: ByteInterner, sets: PropertySets) {
        let t = Int(type)
        while metricByType.count <= t {
            metricByType.append(Int8(Metric(eventType: typeNames.string(UInt32(metricByType.count)))?.rawValue ?? -1))
        }
        let m = metricByType[t]
        guard m >= 0, let metric = Metric(rawValue: Int(m)) else { return }
        if productKey == nil { productKey = sets.keys.lookup("product_id") }
        guard let key = productKey, let value = sets.value(of: key, in: properties) else { return }
        products[value, default: Product()].add(metric, day: day)
        if metric == .goal { products[value]!.bought(by: user, atMs: timestampMs) }
    }
}
