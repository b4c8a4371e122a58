/// How a metrics series cuts its range into points.
public enum MetricsGranularity: String, Sendable, CaseIterable {
    case minute, hourly, daily, weekly, monthly

    /// The longest range, in milliseconds, each allows: a point count a chart can draw.
    public var longestRangeMs: Int64 {
        switch self {
        case .minute: 2 * TenantCalendar.dayMs
        case .hourly: 90 * TenantCalendar.dayMs
        case .daily, .weekly, .monthly: 3650 * TenantCalendar.dayMs
        }
    }
}

/// One point of a series: the instants `startMs..<endMs` and the tenant days they touch.
public struct MetricsBucket: Sendable, Equatable {
    public var startMs: Int64
    public var endMs: Int64
    public var days: DayRange
}

/// A metrics range cut into buckets. Daily, weekly (Monday) and monthly cuts fall on the tenant's
/// midnights; minute and hour cuts on whole minutes and local hours. A bucket cut by the range's
/// ends covers only its part inside the range.
public struct MetricsWindow: Sendable, Equatable {
    public var granularity: MetricsGranularity
    public var buckets: [MetricsBucket]

    public var startMs: Int64 { buckets.first?.startMs ?? 0 }
    public var endMs: Int64 { buckets.last?.endMs ?? 0 }
    public var days: DayRange { DayRange(first: buckets.first?.days.first ?? 0, last: buckets.last?.days.last ?? -1) }

    /// Whole tenant days.
    public init(days range: DayRange, granularity: MetricsGranularity, calendar: TenantCalendar) {
        self.init(startMs: calendar.startMs(of: range.first), endMs: calendar.startMs(of: range.last + 1),
                  granularity: granularity, calendar: calendar)
    }

    /// Any span of instants, `startMs < endMs`, both within `SupportedTime`.
    public init(startMs: Int64, endMs: Int64, granularity: MetricsGranularity, calendar: TenantCalendar) {
        self.granularity = granularity
        var calendar = calendar
        var buckets: [MetricsBucket] = []
        var start = startMs
        while start < endMs {
            let end = min(endMs, Self.nextCut(after: start, granularity, &calendar))
            buckets.append(MetricsBucket(startMs: start, endMs: end, days: DayRange(first: calendar.day(of: start), last: calendar.day(of: end - 1))))
            start = end
        }
        self.buckets = buckets
    }

    /// One bucket over `startMs..<endMs`: the whole span as a single point (history scans, the
    /// span behind one point of a series).
    public init(spanning startMs: Int64, _ endMs: Int64, calendar: TenantCalendar) {
        var calendar = calendar
        granularity = .daily
        buckets = startMs < endMs ? [MetricsBucket(startMs: startMs, endMs: endMs, days: DayRange(first: calendar.day(of: startMs), last: calendar.day(of: endMs - 1)))] : []
    }

    /// The first cut strictly after `ms`.
    static func nextCut(after ms: Int64, _ granularity: MetricsGranularity, _ calendar: inout TenantCalendar) -> Int64 {
        switch granularity {
        case .minute:
            return (floorDiv(ms, 60_000) + 1) * 60_000
        case .hourly:
            // Local hours: offsets are whole quarter hours, so cut on the local clock.
            let offset = calendar.offsetMs(at: ms)
            let next = (floorDiv(ms + offset, 3_600_000) + 1) * 3_600_000 - offset
            return next > ms ? next : next + 3_600_000
        case .daily:
            return calendar.startMs(of: calendar.day(of: ms) + 1)
        case .weekly:
            return calendar.startMs(of: TenantState.periodStart(of: calendar.day(of: ms), .week) + 7)
        case .monthly:
            return calendar.startMs(of: TenantState.nextPeriod(after: calendar.day(of: ms), .month))
        }
    }

    /// The bucket holding `ms`, if any; `hint` (the last answer) makes in-order scans cheap.
    @inline(__always)
    public func bucket(of ms: Int64, hint: Int) -> Int? {
        if hint >= 0, hint < buckets.count, buckets[hint].startMs <= ms, ms < buckets[hint].endMs { return hint }
        guard ms >= startMs, ms < endMs else { return nil }
        var low = 0, high = buckets.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if buckets[middle].startMs <= ms { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
