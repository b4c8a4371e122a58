import Testing
@testable import Cluster

@Suite struct SnapshotRetentionTests {
    @Test func namesSortAsSequencesAndReadBack() {
        let names = [9, 10, 100, 12345678901].map { SnapshotRetention.objectName(unit: "acme.p1", covering: UInt64($0)) }
        #expect(names == names.sorted())
        #expect(names[0] == "acme=2Ep1/00000000000000000009")
        #expect(names.map { SnapshotRetention.sequence(of: $0, unit: "acme.p1") } == [9, 10, 100, 12345678901])
        #expect(SnapshotRetention.sequence(of: names[0], unit: "acme") == nil)
        #expect(SnapshotRetention.sequence(of: "acme=2Ep1/12", unit: "acme.p1") == nil)
        #expect(SnapshotRetention.objectName(unit: "u", covering: .max).hasSuffix("/18446744073709551615"))
    }

    @Test func theNewestTwoStayAndTheStreamKeepsWhatTheSecondNewestNeeds() {
        #expect(SnapshotRetention.plan(snapshots: []) == ([], nil))
        #expect(SnapshotRetention.plan(snapshots: [40]) == ([], nil))
        #expect(SnapshotRetention.plan(snapshots: [40, 90]) == ([], 41))
        #expect(SnapshotRetention.plan(snapshots: [90, 10, 40, 130]) == ([10, 40], 91))
        #expect(SnapshotRetention.plan(snapshots: [90, 10, 40, 130], keep: 3) == ([10], 91))
        #expect(SnapshotRetention.plan(snapshots: [5, 5, 7], keep: 1) == ([], 6))
    }
}
