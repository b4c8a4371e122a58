import Foundation
@testable import Runtime

/// The events family and the `/raw` lists answered the obvious way, over the same plain event
/// list as `MetricsReference`: filters, dictionaries and sorts, nothing from the engine.
extension MetricsReference {
    /// A question's window as bucket keys, and the key of each of its buckets in order.
    func keys(_ window: MetricsWindow) -> [String] { window.buckets.map { bucketKey($0.startMs, window.granularity) } }

    func named(_ event: String, _ conditions: [MetricsCondition]) -> [MetricsCondition] {
        conditions + [MetricsCondition(field: .eventName, op: .eq, values: [event])]
    }

    static func number(_ text: String?) -> Double? {
        guard let text, let x = Double(text), x.isFinite else { return nil }
        return x
    }

    /// nil for no numbers, except sum and count (0).
    static func aggregate(_ xs: [Double], _ metric: MetricsAggregate) -> Double? {
        switch metric {
        case .sum: return xs.reduce(0, +)
        case .count: return Double(xs.count)
        case .avg: return xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count)
        case .min: return xs.min()
        case .max: return xs.max()
        }
    }

    static func aggregate(_ xs: [Double], _ metric: MetricsActorAggregate) -> Double? {
        func percentile(_ p: Double) -> Double? {
            guard !xs.isEmpty else { return nil }
            let k = Int((p * Double(xs.count) / 100).rounded(.up))
            return xs.sorted()[max(k, 1) - 1]
        }
        switch metric {
        case .sum: return xs.reduce(0, +)
        case .avg: return xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count)
        case .min: return xs.min()
        case .max: return xs.max()
        case .median, .p50: return percentile(50)
        case .p75: return percentile(75)
        case .p90: return percentile(90)
        case .p95: return percentile(95)
        case .p99: return percentile(99)
        }
    }

    /// Per breakdown value ("" without one), per bucket index, the passing events.
    func perBucket(_ q: MetricsQuery, _ conditions: [MetricsCondition]) -> [String?: [[Event]]] {
        let keys = keys(q.window)
        var out: [String?: [[Event]]] = [:]
        for e in passing(conditions, from: q.window.startMs, to: q.window.endMs) {
            guard let i = keys.firstIndex(of: bucketKey(e.timestampMs, q.window.granularity)) else { continue }
            let v: String? = q.breakdown.map { value(of: $0, e) } ?? ""
            out[v, default: keys.map { _ in [] }][i].append(e)
        }
        return out
    }

    func lines<Line>(_ q: MetricsQuery, _ lines: [String?: Line], empty: Line, total: (Line) -> Double, merge: ([Line]) -> Line) -> [(MetricsSeries.Dimension, Line)] {
        guard q.breakdown != nil else { return [(.all, lines[""] ?? empty)] }
        return Self.ranked(lines, total: total, limit: q.breakdownLimit, merge: merge)
    }

    func custom(_ q: MetricsQuery, event: String, property: String, metric: MetricsAggregate) -> [(MetricsSeries.Dimension, [Double?])] {
        let width = q.window.buckets.count
        let numbers = perBucket(q, named(event, q.conditions)).mapValues { buckets in buckets.map { $0.compactMap { Self.number($0.properties[property]) } } }
            .filter { $0.value.contains { !$0.isEmpty } }
        let ranked = lines(q, numbers, empty: Array(repeating: [], count: width), total: { Self.aggregate($0.flatMap { $0 }, metric) ?? 0 }) { rest in
            (0..<width).map { i in rest.flatMap { $0[i] } }
        }
        return ranked.map { ($0.0, $0.1.map { Self.aggregate($0, metric) }) }
    }

    func perActor(_ q: MetricsQuery, event: String, property: String?, metric: MetricsActorAggregate) -> [(MetricsSeries.Dimension, [Double?])] {
        let width = q.window.buckets.count
        let perUser = perBucket(q, named(event, q.conditions)).mapValues { buckets in
            buckets.map { events in
                var values: [String: Double] = [:]
                for e in events {
                    if let property {
                        guard let x = Self.number(e.properties[property]) else { continue }
                        values[canonical(e.user), default: 0] += x
                    } else {
                        values[canonical(e.user), default: 0] += 1
                    }
                }
                return values
            }
        }.filter { $0.value.contains { !$0.isEmpty } }
        func united(_ maps: [[String: Double]]) -> [String: Double] {
            var out: [String: Double] = [:]
            for map in maps { for (user, x) in map { out[user, default: 0] += x } }
            return out
        }
        let ranked = lines(q, perUser, empty: Array(repeating: [:], count: width), total: { Self.aggregate(Array(united($0).values), metric) ?? 0 }) { rest in
            (0..<width).map { i in united(rest.map { $0[i] }) }
        }
        return ranked.map { ($0.0, $0.1.map { Self.aggregate(Array($0.values), metric) }) }
    }

    func firstTime(_ q: MetricsQuery, event: String, matchMode: Bool, lookbackDays: Int?) -> [(MetricsSeries.Dimension, [Int])] {
        let keys = keys(q.window)
        var historyStart = Int64.min
        if let lookbackDays {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let midnight = calendar.startOfDay(for: Date(timeIntervalSince1970: Double(q.window.startMs) / 1000))
            historyStart = Int64(calendar.date(byAdding: .day, value: -lookbackDays, to: midnight)!.timeIntervalSince1970 * 1000)
        }
        var first: [String: (index: Int, event: Event)] = [:]
        for (i, e) in events.enumerated() where e.type == event && e.timestampMs >= historyStart && e.timestampMs < q.window.endMs {
            if matchMode, !q.conditions.allSatisfy({ holds($0, e) }) { continue }
            let user = canonical(e.user)
            if let known = first[user], (known.event.timestampMs, known.index) < (e.timestampMs, i) { continue }
            first[user] = (i, e)
        }
        var counts: [String?: [Int]] = [:]
        for (_, entry) in first {
            let e = entry.event
            guard e.timestampMs >= q.window.startMs, matchMode || q.conditions.allSatisfy({ holds($0, e) }),
                  let i = keys.firstIndex(of: bucketKey(e.timestampMs, q.window.granularity)) else { continue }
            let v: String? = q.breakdown.map { value(of: $0, e) } ?? ""
            counts[v, default: keys.map { _ in 0 }][i] += 1
        }
        return lines(q, counts, empty: keys.map { _ in 0 }, total: { Double($0.reduce(0, +)) }) { rest in
            keys.indices.map { i in rest.reduce(0) { $0 + $1[i] } }
        }
    }

    /// Per value of `field` among the passing events: events and distinct users, most events first.
    func valueCounts(_ conditions: [MetricsCondition], field: EventField, from startMs: Int64, to endMs: Int64) -> [(value: String?, count: Int, users: Set<String>)] {
        var table: [String?: (Int, Set<String>)] = [:]
        for e in passing(conditions, from: startMs, to: endMs) {
            let v = value(of: field, e)
            table[v, default: (0, [])].0 += 1
            table[v, default: (0, [])].1.insert(canonical(e.user))
        }
        return table.map { ($0.key, $0.value.0, $0.value.1) }
            .sorted { a, b in a.count != b.count ? a.count > b.count : (a.value ?? "") < (b.value ?? "") }
    }

    /// The passing events, newest first (later in the list first at the same instant).
    func eventRows(_ conditions: [MetricsCondition], from startMs: Int64, to endMs: Int64) -> [Event] {
        events.enumerated().filter { _, e in e.timestampMs >= startMs && e.timestampMs < endMs && conditions.allSatisfy { holds($0, e) } }
            .sorted { a, b in (a.element.timestampMs, a.offset) > (b.element.timestampMs, b.offset) }
            .map(\.element)
    }

    /// Per user with a passing event: (user, events, first, last), most events first.
    func userRows(_ conditions: [MetricsCondition], from startMs: Int64, to endMs: Int64) -> [(user: String, events: Int, first: Int64, last: Int64)] {
        var rows: [String: (Int, Int64, Int64)] = [:]
        for e in passing(conditions, from: startMs, to: endMs) {
            let user = canonical(e.user)
            let known = rows[user] ?? (0, Int64.max, Int64.min)
            rows[user] = (known.0 + 1, min(known.1, e.timestampMs), max(known.2, e.timestampMs))
        }
        return rows.map { ($0.key, $0.value.0, $0.value.1, $0.value.2) }
            .sorted { a, b in a.events != b.events ? a.events > b.events : a.user < b.user }
    }
}
