import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Impact actions: started by acting on a signal with the metric as it stood, decided by the data
/// once their window has passed (or by hand), and summed up; the summary against a plain recount.
@Suite struct ImpactTests {
    static let now = SignalRulesTests.now, day = SignalRulesTests.day

    /// An `adoption_fell` signal on export (30 users the week before last, 5 last week), acted on.
    static func acted() throws -> TenantState {
        var state = SignalRulesTests.state()
        var events: [EventInput] = []
        for u in 0..<30 { events.append(EventInput(eventType: "export", user: "b\(u)", timestampMs: now - 9 * day)) }
        for u in 0..<5 { events.append(EventInput(eventType: "export", user: "a\(u)", timestampMs: now - 2 * day)) }
        try SignalRulesTests.ingest(&state, events)
        for edit in state.dueSignalEdits(nowMs: now) { try state.apply(edit) }
        let signal = try #require(state.signals.byID[1])
        try state.apply(SignalEdit.act(id: 1, actionType: "emailed the users", atMs: now,
                                       impact: state.impactAction(for: signal, actionType: "emailed the users", member: "ann", atMs: now)))
        return state
    }

    @Test func anActionRecordsItsMetricThen() throws {
        let state = try Self.acted()
        let action = try #require(state.impact.byID[1])
        #expect(action.metric == ImpactMetric(rule: .adoptionFell, subject: "export") && action.baseline == 5)
        #expect(action.sourceRef == "1" && action.member == "ann" && action.outcome == .pending)
        #expect(state.signals.byID[1]?.status == .actioned)
        #expect(state.dueImpactEdits(nowMs: Self.now + 13 * Self.day).isEmpty, "not before its window has passed")
    }

    @Test func theDataDecidesOnceTheWindowHasPassed() throws {
        // Nothing more happens: by day 14 both weeks are empty, the finding is gone, the signal cleared: resolved.
        var cleared = try Self.acted()
        for edit in cleared.dueSignalEdits(nowMs: Self.now + 14 * Self.day) { try cleared.apply(edit) }
        let edits = cleared.dueImpactEdits(nowMs: Self.now + 14 * Self.day)
        #expect(edits == [.outcome(id: 1, resolved: true, value: 0, atMs: Self.now + 14 * Self.day, manual: false)])
        // Not cleared and no better (the signal not yet re-evaluated, 0 users < 5): unresolved.
        let stale = try Self.acted()
        #expect(stale.dueImpactEdits(nowMs: Self.now + 14 * Self.day) == [.outcome(id: 1, resolved: false, value: 0, atMs: Self.now + 14 * Self.day, manual: false)])
        // 12 users of export on day 15, in the 7 days before the outcome on day 16: better than 5, resolved.
        var better = try Self.acted()
        let later = Self.now + 16 * Self.day
        _ = try better.ingest((0..<12).map { EventInput(eventType: "export", user: "c\($0)", timestampMs: later - Self.day) }, nowMs: later, anonymousID: "g")
        #expect(better.dueImpactEdits(nowMs: Self.now + 14 * Self.day - 1).isEmpty)
        let due = better.dueImpactEdits(nowMs: later)
        #expect(due == [.outcome(id: 1, resolved: true, value: 12, atMs: later, manual: false)])
        for edit in due { try better.apply(edit) }
        #expect(better.dueImpactEdits(nowMs: Self.now + 30 * Self.day).isEmpty, "decided once")
        #expect(throws: ImpactEditRefusal.alreadyDecided(1)) { try better.apply(ImpactEdit.outcome(id: 1, resolved: false, value: nil, atMs: 0, manual: false)) }
        // By hand, over what the data said.
        try better.apply(ImpactEdit.outcome(id: 1, resolved: false, value: nil, atMs: 5, manual: true))
        #expect(better.impact.byID[1]?.outcome == .unresolved && better.impact.byID[1]?.manual == true)
        #expect(throws: ImpactEditRefusal.unknownAction(7)) { try better.apply(ImpactEdit.outcome(id: 7, resolved: true, value: nil, atMs: 0, manual: true)) }
    }

    @Test(arguments: Array(0..<5))
    func theSummaryIsARecountOfTheActions(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed))
        var state = SignalRulesTests.state()
        let rules = SignalRule.allCases
        for id in 1...40 {
            let rule = rules[Int(rng.next() % UInt64(rules.count))]
            let signal = Signal(id: id, rule: rule, subject: "s\(rng.next() % 4)", title: "", value: 1, baseline: 2, raisedMs: Int64(id))
            try state.apply(SignalEdit.raise(signal))
            let createdMs = Self.now - Int64(rng.next() % 120) * Self.day
            try state.apply(SignalEdit.act(id: id, actionType: "x", atMs: createdMs, impact: ImpactAction(
                id: id, source: .signal, sourceRef: String(id), actionType: "x", member: "m", metric: ImpactMetric(rule: rule, subject: signal.subject),
                baseline: Double(rng.next() % 100), createdMs: createdMs)))
            switch rng.next() % 3 {
            case 0: try state.apply(ImpactEdit.outcome(id: id, resolved: true, value: Double(rng.next() % 100), atMs: createdMs + Int64(rng.next() % 20) * Self.day, manual: false))
            case 1: try state.apply(ImpactEdit.outcome(id: id, resolved: false, value: Double(rng.next() % 100), atMs: createdMs + Int64(rng.next() % 20) * Self.day, manual: true))
            default: break
            }
        }
        let since = Self.now - 90 * Self.day
        let s = state.impactSummary(sinceMs: since)
        let kept = state.impact.byID.values.filter { $0.createdMs >= since }
        let decided = kept.filter { $0.outcome != .pending }
        #expect(s.actions == kept.count && s.pending == kept.count - decided.count)
        #expect(s.resolved == kept.filter { $0.outcome == .resolved }.count)
        #expect(s.resolutionRate == (decided.isEmpty ? nil : Double(s.resolved) / Double(decided.count)))
        let days = decided.map { Double($0.outcomeMs! - $0.createdMs) / Double(Self.day) }.sorted()
        let median = days.isEmpty ? nil : days.count % 2 == 1 ? days[days.count / 2] : (days[days.count / 2 - 1] + days[days.count / 2]) / 2
        #expect(s.medianDaysToOutcome == median)
        let account = decided.filter { $0.metric.rule == .accountRed || $0.metric.rule == .accountDrop }
        #expect(s.accountsRecovered == Set(account.filter { $0.outcome == .resolved }.map(\.metric.subject)).count)
        #expect(s.meanScoreChange == (account.isEmpty ? nil : account.map { $0.outcomeValue! - $0.baseline }.reduce(0, +) / Double(account.count)))
        for rule in rules {
            let ofRule = kept.filter { $0.metric.rule == rule }
            #expect(s.byRule[rule].map { [$0.actions, $0.resolved] } == (ofRule.isEmpty ? nil : [ofRule.count, ofRule.filter { $0.outcome == .resolved }.count]))
        }
    }
}
