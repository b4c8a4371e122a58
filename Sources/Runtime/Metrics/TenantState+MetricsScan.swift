/// One event as a metrics scan hands it over: its bucket, canonical user and interned fields.
struct MetricsEvent {
    var bucket: Int
    var timestampMs: Int64
    var user: UInt32
    var type: UInt32
    var page: UInt32
    var set: UInt32
}

extension TenantState {
    /// Calls `body` with every event in `window` that passes `matcher`, chunk by chunk in log
    /// order (nearly time order), over the chunks numbered `chunks` (all by default). Chunks
    /// wholly outside the window are skipped on their time bounds, and events of types no
    /// condition admits on one array read.
    func forEachMetricsEvent(in window: MetricsWindow, matching matcher: inout EventMatcher, chunks: Range<Int>? = nil,
                             _ body: (MetricsEvent) -> Void) {
        guard !window.buckets.isEmpty else { return }
        let startMs = window.startMs, endMs = window.endMs
        let canonicalOf: [UInt32] = users.mergedCount > 0 ? (0..<UInt32(users.count)).map { users.canonical($0) } : []
        var typeAllowed: [Bool] = []
        var allowedTypes: [UInt32]?
        if let types = matcher.possibleTypes(in: self) {
            typeAllowed = (0..<UInt32(eventTypeNames.count)).map { types.contains($0) }
            allowedTypes = types.sorted()
        }
        let trivial = matcher.isTrivial
        var hint = 0
        log.forEachChunk(in: chunks ?? 0..<log.chunkCount, from: startMs, to: endMs, types: allowedTypes, typeCount: eventTypeNames.count) { chunk, rows in
            // One loop for both: the rows of the allowed types, or every row.
            let count = rows?.count ?? chunk.count
            for i in 0..<count {
                let row = rows?[i] ?? i
                let ts = chunk.timestamps[row]
                guard ts >= startMs, ts < endMs else { continue }
                let type = chunk.types[row]
                if !typeAllowed.isEmpty, Int(type) >= typeAllowed.count || !typeAllowed[Int(type)] { continue }
                let raw = chunk.users[row]
                let user = canonicalOf.isEmpty ? raw : canonicalOf[Int(raw)]
                let page = chunk.pages[row], set = chunk.propertySets[row]
                if !trivial, !matcher.matches(type: type, page: page, user: user, set: set, in: self) { continue }
                guard let bucket = window.bucket(of: ts, hint: hint) else { continue }
                hint = bucket
                body(MetricsEvent(bucket: bucket, timestampMs: ts, user: user, type: type, page: page, set: set))
            }
        }
    }
}
