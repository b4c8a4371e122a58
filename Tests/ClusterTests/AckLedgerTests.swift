import Testing
@testable import Cluster

/// The pipelined log's bookkeeping: writers hear "durable" only once their record and every one
/// before it was stored where expected, and the first mismatch fails every later writer.
@Suite struct AckLedgerTests {
    func sequences(_ outcomes: [(Int, AckLedger<Int>.Outcome)]) -> [Int] {
        outcomes.compactMap { if case .durable = $0.1 { $0.0 } else { nil } }.sorted()
    }

    @Test func writersHearDurableInOrderEvenWhenAcksCrossOver() {
        var ledger = AckLedger<Int>(after: 10)
        for i in 1...4 { #expect(ledger.append()! == (UInt64(10 + i), UInt64(9 + i))) }
        for i in 11...14 { #expect(ledger.wait(for: UInt64(i), i) == nil) }
        #expect(sequences(ledger.acknowledged(12, storedAt: 12)).isEmpty)  // 11 not yet
        #expect(sequences(ledger.acknowledged(11, storedAt: 11)) == [11, 12])
        #expect(ledger.durable == 12 && ledger.oldestPending == 13)
        #expect(sequences(ledger.acknowledged(13, storedAt: 13)) == [13])
        if case .durable? = ledger.wait(for: 12, 99) {} else { Issue.record("12 is durable") }
    }

    @Test func theFirstMismatchFailsEveryLaterWriterAndEveryLaterAppend() {
        var ledger = AckLedger<Int>(after: 0)
        for _ in 1...3 { _ = ledger.append() }
        for i in 1...3 { _ = ledger.wait(for: UInt64(i), i) }
        #expect(sequences(ledger.acknowledged(1, storedAt: 1)) == [1])
        // Another writer appended meanwhile: record 2 landed at 3.
        let outcomes = ledger.acknowledged(2, storedAt: 3)
        #expect(outcomes.count == 2 && sequences(outcomes).isEmpty)
        #expect(ledger.failure?.contains("stored as 3") == true)
        #expect(ledger.append() == nil)
        if case .failed? = ledger.wait(for: 3, 7) {} else { Issue.record("3 must fail") }
        // A late ack after the failure changes nothing.
        #expect(ledger.acknowledged(3, storedAt: 3).isEmpty && ledger.durable == 1)
    }

    @Test func aRefusalSettlesWhatWasAlreadyDurable() {
        var ledger = AckLedger<Int>(after: 5)
        _ = ledger.append(); _ = ledger.append()
        _ = ledger.wait(for: 6, 6); _ = ledger.wait(for: 7, 7)
        _ = ledger.acknowledged(6, storedAt: 6)
        let outcomes = ledger.fail("wrong last sequence: 9")
        #expect(outcomes.count == 1 && outcomes[0].0 == 7)
        if case .failed(let why) = outcomes[0].1 { #expect(why == "wrong last sequence: 9") } else { Issue.record("7 must fail") }
    }
}
