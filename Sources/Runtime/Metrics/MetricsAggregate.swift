/// What `metrics/events/custom` computes over a property's numbers in a bucket.
public enum MetricsAggregate: String, Sendable, CaseIterable {
    case sum, avg, min, max, count
}

/// What `metrics/events/per-actor` computes across the users' values in a bucket. Percentiles
/// are nearest rank: the ⌈q·n⌉-th smallest; `median` is `p50`.
public enum MetricsActorAggregate: String, Sendable, CaseIterable {
    case avg, median, p50, p75, p90, p95, p99, min, max, sum

    /// The aggregate of `values` (any order); nil for none, except `sum` (0).
    /// O(n log n) for the ranks (a sort), O(n) otherwise; allocates only to sort.
    public func value(of values: [Double]) -> Double? {
        guard !values.isEmpty else { return self == .sum ? 0 : nil }
        switch self {
        case .sum: return values.reduce(0, +)
        case .avg: return values.reduce(0, +) / Double(values.count)
        case .min: return values.min()
        case .max: return values.max()
        case .median, .p50: return Self.rank(values, percent: 50)
        case .p75: return Self.rank(values, percent: 75)
        case .p90: return Self.rank(values, percent: 90)
        case .p95: return Self.rank(values, percent: 95)
        case .p99: return Self.rank(values, percent: 99)
        }
    }

    /// In whole numbers, so ⌈q·n⌉ has no rounding error.
    private static func rank(_ values: [Double], percent: Int) -> Double {
        let sorted = values.sorted()
        let rank = (percent * sorted.count + 99) / 100
        return sorted[Swift.max(rank, 1) - 1]
    }
}

/// Count, sum, least and greatest of some numbers: enough for every `MetricsAggregate`, and
/// summaries add up (buckets into a range, values into other).
struct NumberSummary {
    var count = 0
    var sum = 0.0
    var least = Double.infinity
    var greatest = -Double.infinity

    @inline(__always)
    mutating func add(_ x: Double) {
        count += 1; sum += x
        if x < least { least = x }
        if x > greatest { greatest = x }
    }

    mutating func add(_ other: NumberSummary) {
        count += other.count; sum += other.sum
        least = Swift.min(least, other.least); greatest = Swift.max(greatest, other.greatest)
    }

    /// nil when there are no numbers, except for `sum` and `count` (0).
    func value(_ metric: MetricsAggregate) -> Double? {
        switch metric {
        case .sum: return sum
        case .count: return Double(count)
        case .avg: return count == 0 ? nil : sum / Double(count)
        case .min: return count == 0 ? nil : least
        case .max: return count == 0 ? nil : greatest
        }
    }
}
