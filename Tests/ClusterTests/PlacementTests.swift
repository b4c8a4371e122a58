import Testing
@testable import Cluster

/// Placement must agree across nodes and runs, spread units evenly and move as few as it can.
@Suite struct PlacementTests {
    /// Values worked out by a plain FNV-1a and splitmix64 finalizer elsewhere: a node of another
    /// build or run must place units the same way.
    @Test func theHashIsTheSameEverywhere() {
        #expect(StableHash.of("a") == 0x02c0_bdbf_4814_20f8)
        #expect(StableHash.of("user-42") == 0x7a15_96f0_e94b_5793)
        #expect(StableHash.of("node-1", "acme") == 0x4071_acfe_ad8e_9086)
        #expect(StableHash.of("ab", "c") != StableHash.of("a", "bc"))
    }

    static let units = (0..<3000).map { "tenant-\($0)" }

    @Test func theOwnerIsFirstInTheRankingAndUnitsSpreadEvenly() {
        let nodes = ["n1", "n2", "n3"]
        var counts: [String: Int] = [:]
        for unit in Self.units {
            let ranking = Rendezvous.ranking(of: unit, among: nodes)
            #expect(Set(ranking) == Set(nodes))
            #expect(Rendezvous.owner(of: unit, among: nodes) == ranking.first)
            #expect(Rendezvous.owner(of: unit, among: nodes.reversed()) == ranking.first)
            counts[ranking[0], default: 0] += 1
        }
        for node in nodes { #expect((800...1200).contains(counts[node] ?? 0), "\(node): \(counts[node] ?? 0) of 3000") }
        #expect(Rendezvous.owner(of: "x", among: [String]()) == nil)
    }

    @Test func aNodeLeavingMovesOnlyItsUnitsAndOneJoiningTakesOnlyFromOthers() {
        let before = ["n1", "n2", "n3", "n4"]
        var moved = 0
        for unit in Self.units {
            let owner = Rendezvous.owner(of: unit, among: before)!
            let after = Rendezvous.owner(of: unit, among: ["n1", "n2", "n4"])!
            if owner == "n3" {
                // Its units go to the next in line.
                #expect(after == Rendezvous.ranking(of: unit, among: before)[1])
                moved += 1
            } else {
                #expect(after == owner)
            }
            let joined = Rendezvous.owner(of: unit, among: before + ["n5"])!
            #expect(joined == owner || joined == "n5")
        }
        #expect((600...900).contains(moved))
    }

    @Test func usersSplitEvenlyAndAlwaysTheSameWay() throws {
        #expect(UserPartitions(count: 0) == nil)
        #expect(UserPartitions(count: UserPartitions.maximum + 1) == nil)
        let one = try #require(UserPartitions(count: 1))
        #expect(one.partition(ofUser: "anyone") == 0 && one.units(tenant: "acme") == ["acme"])
        let four = try #require(UserPartitions(count: 4))
        #expect(four.units(tenant: "acme") == ["acme.p0", "acme.p1", "acme.p2", "acme.p3"])
        var counts = [Int](repeating: 0, count: 4)
        for u in 0..<8000 {
            let p = four.partition(ofUser: "user-\(u)@example.com")
            #expect(p == four.partition(ofUser: "user-\(u)@example.com"))
            counts[p] += 1
        }
        for c in counts { #expect((1700...2300).contains(c), "\(counts)") }
    }
}

/// Unit names become stream and subject names: only NATS-safe bytes, and two units never share one.
@Suite struct UnitNamesTests {
    @Test func namesAreSafeAndDistinct() {
        #expect(UnitNames.stream("acme") == "BEACON_acme")
        #expect(UnitNames.subject("acme.p3") == "beacon.wal.acme=2Ep3")
        #expect(UnitNames.escaped("a b*>/é") == "a=20b=2A=3E=2F=C3=A9")
        let units = ["a.b", "a=2Eb", "a_b", "a-b", "A.b", "a.p1"]
        #expect(Set(units.map(UnitNames.stream)).count == units.count)
        for unit in units { #expect(UnitNames.stream(unit).utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != 46 && $0 != 42 && $0 != 62 }) }
    }
}
