/// Every user's sessions (runs of events with no gap over `TenantState.sessionGapMs`), kept on
/// ingest, and per day (of a session's first event) how many began, their summed duration and
/// how many were a single event. An event in order extends or opens the user's last session; a
/// late one may extend, open or join sessions anywhere in the user's history, and the day totals
/// follow. Derived from the log: rebuilt when a snapshot is loaded, never stored.
public struct SessionIndex: Sendable {
    public struct Span: Sendable, Equatable {
        public var startMs: Int64
        public var endMs: Int64
        public var events: UInt32
    }

    public struct DayTotals: Sendable, Equatable {
        public var sessions = 0
        public var durationMs: Int64 = 0
        public var bounces = 0
    }

    /// Per user id, that user's sessions in time order (merged-away users have none).
    public private(set) var spans: [[Span]] = []
    private var days = DayArray(empty: DayTotals())

    public init() {}

    /// The user's session an instant falls in, with its number in the user's history (from 1).
    public func session(of user: UInt32, at ts: Int64) -> (number: Int, span: Span)? {
        guard Int(user) < spans.count else { return nil }
        let list = spans[Int(user)]
        var lo = 0, hi = list.count
        while lo < hi { let mid = (lo + hi) / 2; if list[mid].startMs <= ts { lo = mid + 1 } else { hi = mid } }
        return lo > 0 && ts <= list[lo - 1].endMs ? (lo, list[lo - 1]) : nil
    }

    public func totals(on day: DayNumber) -> DayTotals {
        days[day] ?? DayTotals()
    }

    @inline(__always)
    mutating func record(user: UInt32, timestampMs ts: Int64, calendar: inout TenantCalendar) {
        let u = Int(user)
        if u >= spans.count { spans.append(contentsOf: repeatElement([], count: u + 1 - spans.count)) }
        let gap = TenantState.sessionGapMs
        // In order (the common case): the last session grows, or a new one begins.
        if let last = spans[u].last, ts >= last.startMs {
            if ts - last.endMs > gap {
                spans[u].append(Span(startMs: ts, endMs: ts, events: 1))
                count(spans[u][spans[u].count - 1], 1, &calendar)
            } else {
                // Same start, same day: only the duration and the bounce change.
                let end = max(last.endMs, ts)
                spans[u][spans[u].count - 1] = Span(startMs: last.startMs, endMs: end, events: last.events + 1)
                let i = days.slot(for: calendar.day(of: last.startMs))
                days[slot: i].durationMs += end - last.endMs
                if last.events == 1 { days[slot: i].bounces -= 1 }
            }
            return
        }
        insertLate(user: u, ts, &calendar)
    }

    @inline(never)
    private mutating func insertLate(user u: Int, _ ts: Int64, _ calendar: inout TenantCalendar) {
        let gap = TenantState.sessionGapMs
        // `next` is the first session starting after ts; the one before it may reach ts.
        var lo = 0, hi = spans[u].count
        while lo < hi {
            let mid = (lo + hi) / 2
            if spans[u][mid].startMs <= ts { lo = mid + 1 } else { hi = mid }
        }
        let next = lo
        let joinsPrevious = next > 0 && ts - spans[u][next - 1].endMs <= gap
        let joinsNext = next < spans[u].count && spans[u][next].startMs - ts <= gap
        switch (joinsPrevious, joinsNext) {
        case (true, true):
            let a = spans[u][next - 1], b = spans[u][next]
            count(a, -1, &calendar); count(b, -1, &calendar)
            spans[u][next - 1] = Span(startMs: a.startMs, endMs: max(a.endMs, b.endMs), events: a.events + b.events + 1)
            spans[u].remove(at: next)
            count(spans[u][next - 1], 1, &calendar)
        case (true, false):
            let a = spans[u][next - 1]
            count(a, -1, &calendar)
            spans[u][next - 1] = Span(startMs: a.startMs, endMs: max(a.endMs, ts), events: a.events + 1)
            count(spans[u][next - 1], 1, &calendar)
        case (false, true):
            let b = spans[u][next]
            count(b, -1, &calendar)
            spans[u][next] = Span(startMs: ts, endMs: b.endMs, events: b.events + 1)
            count(spans[u][next], 1, &calendar)
        case (false, false):
            spans[u].insert(Span(startMs: ts, endMs: ts, events: 1), at: next)
            count(spans[u][next], 1, &calendar)
        }
    }

    /// Folds `from`'s sessions into `to`'s (a user merge): sessions within the gap of each other join.
    mutating func merge(_ from: UInt32, into to: UInt32, calendar: inout TenantCalendar) {
        guard Int(from) < spans.count, !spans[Int(from)].isEmpty else { return }
        let moved = spans[Int(from)]
        spans[Int(from)] = []
        for span in moved { count(span, -1, &calendar) }
        if Int(to) >= spans.count { spans.append(contentsOf: repeatElement([], count: Int(to) + 1 - spans.count)) }
        for span in spans[Int(to)] { count(span, -1, &calendar) }
        let all = (spans[Int(to)] + moved).sorted { $0.startMs < $1.startMs }
        var joined: [Span] = []
        for span in all {
            if let last = joined.last, span.startMs - last.endMs <= TenantState.sessionGapMs {
                joined[joined.count - 1] = Span(startMs: last.startMs, endMs: max(last.endMs, span.endMs), events: last.events + span.events)
            } else {
                joined.append(span)
            }
        }
        spans[Int(to)] = joined
        for span in joined { count(span, 1, &calendar) }
    }

    /// Adds (`sign` 1) or takes away (−1) a session's share of its day's totals.
    @inline(__always)
    private mutating func count(_ span: Span, _ sign: Int, _ calendar: inout TenantCalendar) {
        let i = days.slot(for: calendar.day(of: span.startMs))
        days[slot: i].sessions += sign
        days[slot: i].durationMs += Int64(sign) * (span.endMs - span.startMs)
        if span.events == 1 { days[slot: i].bounces += sign }
    }

    var memoryBytes: Int { spans.reduce(spans.capacity * 8) { $0 + $1.capacity * MemoryLayout<Span>.stride + 32 } + days.count * MemoryLayout<DayTotals>.stride }
}
