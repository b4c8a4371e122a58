import Foundation
@testable import Runtime

/// The metrics questions answered the obvious way: a list of events with their fields as text,
/// buckets named through Foundation's calendar, loops and sets. Shares nothing with the engine's
/// metrics code but the question's types.
struct MetricsReference {
    struct Event {
        var user: String
        var type: String
        var page: String?
        var timestampMs: Int64
        var properties: [String: String]
    }

    var events: [Event] = []
    var mergedInto: [String: String] = [:]
    let timeZone: TimeZone

    func canonical(_ user: String) -> String {
        var u = user
        while let next = mergedInto[u] { u = next }
        return u
    }

    private var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        return c
    }

    /// A bucket's name: which minute, local hour, day, Monday-week or month an instant falls in.
    func bucketKey(_ ms: Int64, _ granularity: MetricsGranularity) -> String {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        let c = calendar.dateComponents([.year, .month, .day, .hour, .weekday], from: date)
        switch granularity {
        case .minute: return "m\(ms / 60_000)"
        case .hourly: return "\(c.year!)-\(c.month!)-\(c.day!)T\(c.hour!)"
        case .daily: return "\(c.year!)-\(c.month!)-\(c.day!)"
        case .weekly:
            // Foundation's weekday: 1 is Sunday; step back to Monday.
            let back = (c.weekday! + 5) % 7
            let monday = calendar.date(byAdding: .day, value: -back, to: calendar.startOfDay(for: date))!
            let m = calendar.dateComponents([.year, .month, .day], from: monday)
            return "w\(m.year!)-\(m.month!)-\(m.day!)"
        case .monthly: return "\(c.year!)-\(c.month!)"
        }
    }

    func value(of field: EventField, _ e: Event) -> String? {
        switch field {
        case .eventName: return e.type
        case .page: return e.page
        case .user: return canonical(e.user)
        case .property(let key): return e.properties[key]
        }
    }

    func holds(_ c: MetricsCondition, _ e: Event) -> Bool {
        let actual = value(of: c.field, e)
        let wanted = c.values.first ?? ""
        func ordered(_ test: (Double, Double) -> Bool, _ text: (String, String) -> Bool) -> Bool {
            guard let actual else { return false }
            if let a = Double(actual), let b = Double(wanted) { return test(a, b) }
            return text(actual, wanted)
        }
        switch c.op {
        case .eq: return actual == wanted
        case .neq: return actual != wanted
        case .in: return actual.map { c.values.contains($0) } ?? false
        case .notIn: return !(actual.map { c.values.contains($0) } ?? false)
        case .contains: return actual?.contains(wanted) ?? false
        case .notContains: return !(actual?.contains(wanted) ?? false)
        case .isSet: return actual != nil
        case .isNotSet: return actual == nil
        case .gt: return ordered(>, >)
        case .gte: return ordered(>=, >=)
        case .lt: return ordered(<, <)
        case .lte: return ordered(<=, <=)
        }
    }

    func passing(_ conditions: [MetricsCondition], from startMs: Int64, to endMs: Int64) -> [Event] {
        events.filter { e in e.timestampMs >= startMs && e.timestampMs < endMs && conditions.allSatisfy { holds($0, e) } }
    }

    /// Per breakdown value (nil: events without it; "" for no breakdown), per bucket key, events.
    func grouped(_ conditions: [MetricsCondition], _ breakdown: EventField?, from startMs: Int64, to endMs: Int64,
                 _ granularity: MetricsGranularity) -> [String?: [String: [Event]]] {
        var out: [String?: [String: [Event]]] = [:]
        for e in passing(conditions, from: startMs, to: endMs) {
            let v: String? = breakdown.map { value(of: $0, e) } ?? ""
            out[v, default: [:]][bucketKey(e.timestampMs, granularity), default: []].append(e)
        }
        return out
    }

    /// The top `limit` by total (ties by name), then the rest merged with `merge`.
    static func ranked<T>(_ lines: [String?: T], total: (T) -> Double, limit: Int, merge: ([T]) -> T) -> [(MetricsSeries.Dimension, T)] {
        let order = lines.sorted { a, b in
            let (ta, tb) = (total(a.value), total(b.value))
            return ta != tb ? ta > tb : (a.key ?? "") < (b.key ?? "")
        }
        var out: [(MetricsSeries.Dimension, T)] = order.prefix(limit).map { ($0.key.map { .value($0) } ?? .none, $0.value) }
        if order.count > limit { out.append((.other, merge(order.dropFirst(limit).map(\.value)))) }
        return out
    }
}
