import Foundation
import Testing
@testable import Actors

@Suite struct SnapshotScheduleTests {
    static let second: UInt64 = 1_000_000_000
    static let storage = StorageSettings(dataDirectory: URL(fileURLWithPath: "/unused"), snapshotIntervalSeconds: 60, snapshotEveryEvents: 1000)

    @Test func dueAfterEnoughEventsWhateverTheTime() {
        let schedule = SnapshotSchedule(storage: Self.storage, events: 500, nowNs: 0)
        #expect(!schedule.isDue(events: 1499, nowNs: 1))
        #expect(schedule.isDue(events: 1500, nowNs: 1))
    }

    @Test func dueAfterTheIntervalOnlyWhenSomethingChanged() {
        let schedule = SnapshotSchedule(storage: Self.storage, events: 500, nowNs: 10 * Self.second)
        #expect(!schedule.isDue(events: 501, nowNs: 69 * Self.second))
        #expect(schedule.isDue(events: 501, nowNs: 70 * Self.second))
        #expect(!schedule.isDue(events: 500, nowNs: 700 * Self.second), "nothing new: no snapshot")
    }

    @Test func neverDueWhileOneIsWrittenAndCountedFromTheLast() {
        var schedule = SnapshotSchedule(storage: Self.storage, events: 0, nowNs: 0)
        schedule.began(events: 2000, nowNs: 100 * Self.second)
        #expect(!schedule.isDue(events: 5000, nowNs: 1000 * Self.second))
        schedule.ended()
        #expect(!schedule.isDue(events: 2999, nowNs: 159 * Self.second))
        #expect(schedule.isDue(events: 3000, nowNs: 101 * Self.second))
        #expect(schedule.isDue(events: 2001, nowNs: 160 * Self.second))
    }

    @Test func zeroTurnsEachTriggerOff() {
        let off = StorageSettings(dataDirectory: URL(fileURLWithPath: "/unused"), snapshotIntervalSeconds: 0, snapshotEveryEvents: 0)
        #expect(!SnapshotSchedule(storage: off, events: 0, nowNs: 0).isDue(events: 1 << 40, nowNs: .max))
        #expect(!SnapshotSchedule().isDue(events: 1 << 40, nowNs: .max), "without storage settings nothing is due")
    }
}

@Suite struct RefreshPaceTests {
    @Test func dueAfterTheFastestIntervalWhenRefreshesAreCheap() {
        var pace = RefreshPace(nowNs: 0)
        pace.started(nowNs: 1_000)
        pace.finished(nowNs: 2_000)
        #expect(!pace.isDue(nowNs: 1_000 + 250_000_000))
        #expect(pace.isDue(nowNs: 1_000 + 250_000_001))
    }

    @Test func aCostlyRefreshStretchesTheIntervalUpToASecond() {
        var pace = RefreshPace(nowNs: 0)
        pace.started(nowNs: 0)
        pace.finished(nowNs: 50_000_000)   // 50 ms: the next waits ten times that
        #expect(!pace.isDue(nowNs: 500_000_000))
        #expect(pace.isDue(nowNs: 500_000_001))
        pace.started(nowNs: 0)
        pace.finished(nowNs: 400_000_000)
        #expect(pace.isDue(nowNs: 1_000_000_001), "never later than a second")
    }

    @Test func aRefreshByAReadPutsThePacedOneOff() {
        var pace = RefreshPace(nowNs: 0)
        pace.started(nowNs: 300_000_000)
        #expect(!pace.isDue(nowNs: 400_000_000))
    }
}
