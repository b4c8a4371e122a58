/// The logs' series, top messages and raw rows (`metrics/logs`, `metrics/logs/top`,
/// `metrics/logs/raw`), each one pass over the chunks that overlap the window.
extension TenantState {
    /// Calls `body` with every record in `window` passing `matcher`: its chunk (and the chunk's
    /// number in `logs.chunks`), row and bucket. Chunks wholly outside the window are skipped on their time bounds.
    func forEachLog(in window: MetricsWindow, matching matcher: inout LogMatcher,
                    _ body: (_ chunk: LogColumns, _ number: Int, _ row: Int, _ bucket: Int) -> Void) {
        guard !window.buckets.isEmpty else { return }
        let startMs = window.startMs, endMs = window.endMs
        var hint = 0
        for (number, chunk) in logs.chunks.enumerated() where chunk.count > 0 && chunk.maxTimestamp >= startMs && chunk.minTimestamp < endMs {
            for row in 0..<chunk.count {
                let ts = chunk.timestamps[row]
                guard ts >= startMs, ts < endMs, matcher.matches(chunk, row, in: logs), let bucket = window.bucket(of: ts, hint: hint) else { continue }
                hint = bucket
                body(chunk, number, row, bucket)
            }
        }
    }

    /// Log records per bucket passing the conditions, one line per breakdown value (the top
    /// `breakdownLimit` by count over the range, ties by value, then `other`).
    /// One pass, O(records in range); allocates a row of counts per breakdown value.
    public func logCountSeries(_ query: LogQuery) -> [MetricsSeries] {
        let width = query.window.buckets.count
        var matcher = LogMatcher(query.conditions, in: logs)
        var dimension = query.breakdown.map { LogDimension($0, in: logs) }
        var table: [UInt32: [Int]] = [:]
        forEachLog(in: query.window, matching: &matcher) { chunk, _, row, bucket in
            let value = dimension?.value(chunk, row) ?? 0
            table[value, default: [Int](repeating: 0, count: width)][bucket] += 1
        }
        guard let dimension else { return [Self.wholeCountSeries(table[0], width: width)] }
        return Self.rankedCountSeries(table.map { (dimension.name($0.key, in: logs), $0.value) }, limit: query.breakdownLimit, width: width)
    }

    /// For each level with records in the range passing the conditions (most severe first): its
    /// count, how many distinct (message, service) pairs it has, and the `limit` most frequent
    /// of them after the first `offset` (ties by message, then service, a missing service first).
    public func topLogs(_ query: LogQuery, limit: Int, offset: Int = 0) -> [LogLevelTop] {
        struct Key: Hashable { var message: String; var service: UInt32 }
        var matcher = LogMatcher(query.conditions, in: logs)
        var byLevel: [UInt8: [Key: Int]] = [:]
        forEachLog(in: query.window, matching: &matcher) { chunk, _, row, _ in
            byLevel[chunk.levels[row], default: [:]][Key(message: chunk.message(row), service: chunk.services[row]), default: 0] += 1
        }
        return byLevel.sorted { $0.key > $1.key }.map { level, counts in
            let messages = counts.map { LogMessageCount(message: $0.key.message, service: logs.name($0.key.service, in: logs.services), count: $0.value) }
                .sorted { ($1.count, $0.message, $0.service ?? "") < ($0.count, $1.message, $1.service ?? "") }
            return LogLevelTop(level: LogLevel(rawValue: level) ?? .info, count: counts.values.reduce(0, +), distinct: counts.count,
                               messages: Array(messages.dropFirst(max(0, offset)).prefix(max(0, limit))))
        }
    }

    /// The newest `keep` records in the window passing the conditions (of two at the same
    /// instant, the one logged later first), and how many passed in all.
    /// One pass, O(records · log keep); holds at most 2·keep + 1024 candidates at a time.
    public func logRows(_ query: LogQuery, keep: Int) -> (rows: [LogRecord], total: Int) {
        var matcher = LogMatcher(query.conditions, in: logs)
        var candidates: [(order: Int, ts: Int64, chunk: Int, row: Int)] = []
        var total = 0
        let newestFirst = { (a: (order: Int, ts: Int64, chunk: Int, row: Int), b: (order: Int, ts: Int64, chunk: Int, row: Int)) in
            (a.ts, a.order) > (b.ts, b.order)
        }
        forEachLog(in: query.window, matching: &matcher) { chunk, number, row, _ in
            total += 1
            guard keep > 0 else { return }
            candidates.append((total, chunk.timestamps[row], number, row))
            if candidates.count >= 2 * keep + 1024 {
                candidates.sort(by: newestFirst)
                candidates.removeLast(candidates.count - keep)
            }
        }
        candidates.sort(by: newestFirst)
        let chunks = logs.chunks
        return (candidates.prefix(keep).map { logs.record($0.row, of: chunks[$0.chunk]) }, total)
    }
}

/// One level's part of `metrics/logs/top`.
public struct LogLevelTop: Sendable, Equatable {
    public var level: LogLevel
    /// Records of this level in the range.
    public var count: Int
    /// Distinct (message, service) pairs among them.
    public var distinct: Int
    public var messages: [LogMessageCount]

    public init(level: LogLevel, count: Int, distinct: Int, messages: [LogMessageCount]) {
        self.level = level; self.count = count; self.distinct = distinct; self.messages = messages
    }
}

public struct LogMessageCount: Sendable, Equatable {
    public var message: String
    public var service: String?
    public var count: Int

    public init(message: String, service: String?, count: Int) { self.message = message; self.service = service; self.count = count }
}
