import Foundation
import Runtime

/// A metrics series answer: `{"metric","granularity","range","data":[points],"compare"?}`, a
/// point per bucket and series, dated by the bucket's first day (and its start instant for minute
/// and hour buckets), with `dimension` when there is a breakdown.
struct MetricsSeriesAnswer: Encodable {
    struct Point: Encodable {
        var date: String
        var time: String?
        var dimension: MetricsSeries.Dimension
        var value: Double?

        enum CodingKeys: String, CodingKey { case date, time, dimension, value }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(date, forKey: .date)
            try c.encodeIfPresent(time, forKey: .time)
            try c.encode(dimension: dimension, forKey: .dimension)
            // Whole numbers as integers: counts read as counts.
            if let value, value.rounded() == value, abs(value) < 9e15 { try c.encode(Int64(value), forKey: .value) } else { try c.encode(value, forKey: .value) }
        }
    }

    struct Range: Encodable { var from: String; var to: String }
    struct Compared: Encodable { var range: Range; var data: [Point] }

    var metric: String
    var granularity: String
    var range: Range
    var data: [Point]
    var compare: Compared?

    init(metric: String, window: MetricsWindow, series: [MetricsSeries], compared: (MetricsWindow, [MetricsSeries])? = nil) {
        self.metric = metric
        granularity = window.granularity.rawValue
        range = Self.range(window)
        data = Self.points(window, series)
        compare = compared.map { Compared(range: Self.range($0.0), data: Self.points($0.0, $0.1)) }
    }

    static func range(_ window: MetricsWindow) -> Range {
        let fine = window.granularity == .minute || window.granularity == .hourly
        return fine ? Range(from: ISOText.timestamp(window.startMs), to: ISOText.timestamp(window.endMs))
                    : Range(from: TenantCalendar.isoDate(window.days.first), to: TenantCalendar.isoDate(window.days.last))
    }

    static func points(_ window: MetricsWindow, _ series: [MetricsSeries]) -> [Point] {
        let fine = window.granularity == .minute || window.granularity == .hourly
        return series.flatMap { line in
            zip(window.buckets, line.values).map { bucket, value in
                Point(date: TenantCalendar.isoDate(bucket.days.first), time: fine ? ISOText.timestamp(bucket.startMs) : nil,
                      dimension: line.dimension, value: value)
            }
        }
    }
}
