import Foundation
import Testing
@testable import Runtime
@testable import Snapshot

/// Health settings and kept days through the WAL and a snapshot; the per-day account type masks
/// through a snapshot, and rebuilt from the events for a snapshot written before they were kept.
@Suite struct HealthCodecTests {
    static let day = HealthDay(day: 20_400, entries: [
        .init(account: 0, score: 71, components: [100, 50, 25, 50, 97]),
        .init(account: 3, score: 0, components: [0, 0, 0, 0, 0]),
    ])

    @Test(arguments: [HealthEdit.settings(.standard), .settings(HealthSettings(weights: [0, 0, 100, 0, 1], greenAt: 90, yellowAt: 90)), .snapshot(day)])
    func healthEditsRoundTripThroughTheWAL(_ edit: HealthEdit) throws {
        try expectRoundTrip(.healthEdit(edit), type: 15)
    }

    @Test func settingsOutOfRangeDoNotDecode() {
        var w = BinaryWriter()
        w.write(UInt8(1)); HealthSettings(weights: [30, 15, 20, 20, 15], greenAt: 40, yellowAt: 70).encode(into: &w)
        #expect(Mutation.decode(type: 15, payload: w.bytes) == nil)
    }

    static func state() throws -> TenantState {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let now: Int64 = 1_793_448_000_000
        // 70 types so some land past the 64 a mask holds.
        let events = (0..<300).map { i in
            EventInput(eventType: "type\(i % 70)", user: "u\(i % 13)@x.com", account: "acct\(i % 4)", timestampMs: now - Int64(i) * 3_600_000)
        }
        _ = try state.ingest(Array(events[..<150]), nowMs: now, anonymousID: "g")
        _ = try state.ingest(Array(events[150...]), nowMs: now, anonymousID: "g")
        state.apply(.settings(HealthSettings(weights: [10, 20, 30, 40, 50], greenAt: 80, yellowAt: 20)))
        for edit in state.dueHealthSnapshots(nowMs: now) { state.apply(edit) }
        return state
    }

    @Test func healthSurvivesASnapshotAndOldSnapshotsRebuildTheTypeMasks() throws {
        let state = try Self.state()
        #expect(state.health.days.count == 1)
        let today = state.day(of: 1_793_448_000_000)
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.health == state.health)
        #expect(restored.days.days.map(\.accountTypeMasks) == state.days.days.map(\.accountTypeMasks))
        #expect(restored.days.days.map(\.accountTypeOverflow) == state.days.days.map(\.accountTypeOverflow))
        #expect(restored.accountHealth(asOf: today) == state.accountHealth(asOf: today))
        // Written before the masks were kept: rebuilt from the events held.
        sections[.accountTypeDays] = nil
        let rebuilt = try TenantState(settings: state.settings, sections: sections)
        #expect(rebuilt.days.days.map(\.accountTypeMasks) == state.days.days.map(\.accountTypeMasks))
        #expect(rebuilt.accountHealth(asOf: today) == state.accountHealth(asOf: today))
        // Written before health was kept: the standard settings and nothing kept.
        sections[.health] = nil
        #expect(try TenantState(settings: state.settings, sections: sections).health == HealthRecord())
    }

    @Test func aTypeMaskSectionOfAnotherShapeIsDamage() throws {
        let state = try Self.state()
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        var w = BinaryWriter()
        w.write(UInt32(state.days.days.count))
        for _ in state.days.days { w.write(array: [UInt64(1)]); w.write(array: [UInt64]()) }
        sections[.accountTypeDays] = w.bytes
        #expect(throws: TenantState.DecodingError.self) { try TenantState(settings: state.settings, sections: sections) }
    }
}
