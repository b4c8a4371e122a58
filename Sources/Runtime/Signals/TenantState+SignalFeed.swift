/// The signals as the API shows them: a feed, totals, and today's focus list.
extension TenantState {
    public struct SignalFilter: Sendable, Equatable {
        public var severity: Signal.Severity?
        public var category: Signal.Category?
        public var status: Signal.Status?
        /// Signals raised at or after this instant.
        public var sinceMs: Int64

        public init(severity: Signal.Severity? = nil, category: Signal.Category? = nil, status: Signal.Status? = nil, sinceMs: Int64 = .min) {
            self.severity = severity; self.category = category; self.status = status; self.sinceMs = sinceMs
        }

        func keeps(_ s: Signal) -> Bool {
            s.raisedMs >= sinceMs && (severity.map { s.severity == $0 } ?? true) && (category.map { s.category == $0 } ?? true)
                && (status.map { s.status == $0 } ?? true)
        }
    }

    /// Newest first; `total` counts every signal the filter keeps.
    public func signalFeed(_ filter: SignalFilter, offset: Int, limit: Int) -> (total: Int, rows: [Signal]) {
        let kept = signals.byID.values.filter(filter.keeps).sorted { ($0.raisedMs, $0.id) > ($1.raisedMs, $1.id) }
        return (kept.count, Array(kept.dropFirst(offset).prefix(limit)))
    }

    public struct SignalSummary: Sendable, Equatable {
        public var total: Int
        public var byStatus: [Signal.Status: Int]
        public var byCategory: [Signal.Category: Int]
        public var bySeverity: [Signal.Severity: Int]
    }

    public func signalSummary(sinceMs: Int64) -> SignalSummary {
        let kept = signals.byID.values.filter { $0.raisedMs >= sinceMs }
        func counts<K: Hashable & CaseIterable>(_ key: (Signal) -> K) -> [K: Int] {
            var out = Dictionary(uniqueKeysWithValues: K.allCases.map { ($0, 0) })
            for s in kept { out[key(s), default: 0] += 1 }
            return out
        }
        return SignalSummary(total: kept.count, byStatus: counts(\.status), byCategory: counts(\.category), bySeverity: counts(\.severity))
    }

    /// Open signals, most pressing first: by severity, then by how far the value is from its
    /// baseline (relative), then newest.
    public func signalFocus(limit: Int) -> [Signal] {
        func weight(_ s: Signal) -> Int { Signal.Severity.allCases.count - Signal.Severity.allCases.firstIndex(of: s.severity)! }
        func magnitude(_ s: Signal) -> Double { abs(s.value - s.baseline) / max(abs(s.baseline), 1e-9) }
        return signals.byID.values.filter { $0.status == .open }.sorted { a, b in
            if weight(a) != weight(b) { return weight(a) > weight(b) }
            if magnitude(a) != magnitude(b) { return magnitude(a) > magnitude(b) }
            return (a.raisedMs, a.id) > (b.raisedMs, b.id)
        }.prefix(limit).map { $0 }
    }
}

extension SignalRule {
    /// What a team would do about it, for the focus list.
    public var suggestion: String {
        switch self {
        case .accountRed: "Reach out to the account's owner and review its health breakdown"
        case .accountDrop: "Look at which health component fell and who in the account stopped"
        case .accountDeclining: "Check in with the account's most active users"
        case .journeyDropOff: "Look at the step's recommendations and what changed before it"
        case .errorSpike: "Check the latest release and the pages reporting errors"
        case .nudgeClickRate: "Review the nudge's copy, placement and audience"
        case .adoptionFell: "Check whether the feature changed or became harder to reach"
        }
    }
}
