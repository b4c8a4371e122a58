import Foundation
import Testing
@testable import Runtime

@Suite struct TenantStateIngestTests {
    static let day: Int64 = 86_400_000
    static let now: Int64 = 1_793_448_000_000

    @Test func oldAndFutureEventsAreRefusedNamingTheEvent() {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 30))
        let events = [EventInput(eventType: "a", user: "u", timestampMs: Self.now),
                      EventInput(eventType: "a", user: "u", timestampMs: Self.now - 31 * Self.day)]
        #expect(throws: IngestValidationError(index: 1, field: "timestamp", message: "is older than the tenant's retention of 30 days")) {
            try state.ingest(events, nowMs: Self.now, anonymousID: "anon-x")
        }
        #expect(throws: IngestValidationError.self) {
            try state.ingest([EventInput(eventType: "a", user: "u", timestampMs: Self.now + 25 * 3_600_000)], nowMs: Self.now, anonymousID: "anon-x")
        }
        #expect(state.eventsIngested == 0, "a refused batch changes nothing")
        #expect(throws: IngestValidationError.self) {
            try state.ingest([EventInput(eventType: "page_view", user: "u", timestampMs: Self.now)], nowMs: Self.now, anonymousID: "anon-x")
        }
    }

    @Test func keepingEverythingStillRefusesEventsBefore2000() {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 0))
        for ms: Int64 in [-1_000_000_000_000_000, 946_684_799_999, -1] {
            #expect(throws: IngestValidationError(index: 0, field: "timestamp", message: "is before 2000-01-01, the earliest time Beacon keeps")) {
                try state.ingest([EventInput(eventType: "a", user: "u", timestampMs: ms)], nowMs: Self.now, anonymousID: "anon-x")
            }
        }
        #expect(throws: IngestValidationError.self) {
            try state.ingest([EventInput(eventType: "a", user: "u", timestampMs: Int64.max)], nowMs: Self.now, anonymousID: "anon-x")
        }
        #expect(throws: IngestValidationError.self) {
            try state.ingest([EventInput(eventType: "a", user: "u", timestampMs: Int64.min)], nowMs: Self.now, anonymousID: "anon-x")
        }
        _ = try? state.ingest([EventInput(eventType: "a", user: "u", timestampMs: 946_684_800_000)], nowMs: Self.now, anonymousID: "anon-x")
        #expect(state.eventsIngested == 1, "2000-01-01T00:00:00Z itself is kept")
        #expect(state.days.days.count == 1, "the day indexes did not stretch")
    }

    @Test func evictionDropsOldChunksButKeepsAggregates() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 10))
        let start = Self.now - 9 * Self.day
        var batch: [EventInput] = []
        for i in 0..<(EventLog.chunkCapacity + 10) {
            batch.append(EventInput(eventType: "a", user: "u\(i % 100)", timestampMs: start + Int64(i)))
            if batch.count == 1000 { _ = try state.ingest(batch, nowMs: Self.now, anonymousID: "x"); batch = [] }
        }
        _ = try state.ingest(batch, nowMs: Self.now, anonymousID: "x")
        let day = state.day(of: start)
        let before = state.dailyActiveUsers(DayRange(first: day, last: day))
        #expect(state.log.sealed.count == 1)
        state.evictExpired(nowMs: Self.now + 5 * Self.day)
        #expect(state.log.sealed.isEmpty)
        #expect(state.log.count == 10)
        #expect(state.eventsIngested == EventLog.chunkCapacity + 10)
        #expect(state.dailyActiveUsers(DayRange(first: day, last: day)) == before)
    }

    @Test func latestPropertiesAndAccountFollowTheNewestEvent() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        _ = try state.ingest([
            EventInput(eventType: "a", user: "u", account: "acme", timestampMs: Self.now - 1000, properties: [.init("plan", "pro")]),
            EventInput(eventType: "a", user: "u", account: "old", timestampMs: Self.now - 5000, properties: [.init("plan", "free")]),
        ], nowMs: Self.now, anonymousID: "x")
        let user = try #require(state.userIndex("u"))
        #expect(state.propertySets.decoded(PropertySetIndex(state.users[user.rawValue].latestProperties)) == ["plan": "pro"])
        #expect(state.accountNames.string(state.users[user.rawValue].account) == "acme")
        #expect(state.accounts.users[Int(state.accountIndex("old")!.rawValue)].count == 1)
    }
}

@Suite struct ExternalIDTests {
    @Test func theLatestExternalIDIsKeptPerUser() throws {
        let parser = FastIngestParser()
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let body = Array(#"{"events":[{"event_type":"a","user_email":"u@x.com","external_id":"crm-1"},{"event_type":"a","user_email":"v@x.com"}]}"#.utf8)
        _ = try state.ingest(try parser.parse(body), nowMs: TenantStateIngestTests.now, anonymousID: "x")
        #expect(state.externalID(of: try #require(state.userIndex("u@x.com"))) == "crm-1")
        #expect(state.externalID(of: try #require(state.userIndex("v@x.com"))) == nil)
    }
}

@Suite struct InternerRoomTests {
    @Test func aWriteThatCouldOverflowAnInternerIsSeenBeforeItIsApplied() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        #expect(state.hasInternerRoom(forBodyBytes: 1 << 20))
        #expect(!state.hasInternerRoom(forBodyBytes: Int.max), "the doubled size overflows: no room")
        state.pageNames.byteLimit = 1000
        _ = try state.ingest([EventInput(eventType: "page_view", user: "u", page: String(repeating: "p", count: 600), timestampMs: 1_793_448_000_000)],
                             nowMs: 1_793_448_000_000, anonymousID: "anon-x")
        #expect(state.pageNames.room == 400)
        #expect(!state.hasInternerRoom(forBodyBytes: 300), "the fullest interner decides")
        #expect(state.hasInternerRoom(forBodyBytes: 100))
    }
}
