import Testing
@testable import Cluster

/// The lease rules, case by case: who creates, renews, claims, leaves or steps down.
@Suite struct LeasePolicyTests {
    let policy = LeasePolicy(leaseMs: 6_000)
    let now: Int64 = 1_000_000
    let live = ["n1", "n2", "n3"]

    /// A unit whose preferred node among `live` is `node`.
    func unit(preferring node: String) -> String {
        (0...).lazy.map { "t\($0)" }.first { Rendezvous.owner(of: $0, among: live) == node }!
    }

    func me(_ node: String) -> (node: String, url: String) { (node, "http://\(node)") }

    @Test func aMissingRecordIsCreatedByThePreferredNodeOnly() {
        let u = unit(preferring: "n2")
        #expect(policy.step(unit: u, me: me("n2"), live: live, record: nil, holding: false, nowMs: now)
                == .create(Lease(node: "n2", url: "http://n2", term: 1, expiresAtMs: now + 6_000)))
        #expect(policy.step(unit: u, me: me("n1"), live: live, record: nil, holding: false, nowMs: now) == .leave)
        // After a delete, the claim compares with the delete marker's revision.
        #expect(policy.step(unit: u, me: me("n2"), live: live, record: nil, deletedRevision: 9, holding: false, nowMs: now)
                == .claim(Lease(node: "n2", url: "http://n2", term: 1, expiresAtMs: now + 6_000), revision: 9))
        // A holder whose record vanished stops serving.
        #expect(policy.step(unit: u, me: me("n1"), live: live, record: nil, holding: true, nowMs: now) == .stepDown)
    }

    @Test func theOwnerRenewsKeepingItsTerm() {
        let u = unit(preferring: "n3")
        let lease = Lease(node: "n1", url: "http://n1", term: 4, expiresAtMs: now + 10)
        // Renewed even where another node would now be preferred: live owners keep their units.
        #expect(policy.step(unit: u, me: me("n1"), live: live, record: (lease, 17), holding: true, nowMs: now)
                == .renew(Lease(node: "n1", url: "http://n1", term: 4, expiresAtMs: now + 6_000), revision: 17))
        // Expired but still ours: renewing by compare-and-set is safe, a claim meanwhile would fail it.
        let late = Lease(node: "n1", url: "http://n1", term: 4, expiresAtMs: now - 100)
        #expect(policy.step(unit: u, me: me("n1"), live: live, record: (late, 18), holding: true, nowMs: now)
                == .renew(Lease(node: "n1", url: "http://n1", term: 4, expiresAtMs: now + 6_000), revision: 18))
    }

    @Test func aRestartedOwnerClaimsWithANewTerm() {
        let lease = Lease(node: "n1", url: "http://n1", term: 4, expiresAtMs: now + 3_000)
        #expect(policy.step(unit: unit(preferring: "n2"), me: me("n1"), live: live, record: (lease, 5), holding: false, nowMs: now)
                == .claim(Lease(node: "n1", url: "http://n1", term: 5, expiresAtMs: now + 6_000), revision: 5))
    }

    @Test func anExpiredLeaseGoesToThePreferredLiveNode() {
        let survivors = ["n2", "n3"]
        let u = (0...).lazy.map { "t\($0)" }.first { Rendezvous.owner(of: $0, among: survivors) == "n3" }!
        let dead = Lease(node: "n1", url: "http://n1", term: 2, expiresAtMs: now - 1)
        #expect(policy.step(unit: u, me: me("n3"), live: survivors, record: (dead, 30), holding: false, nowMs: now)
                == .claim(Lease(node: "n3", url: "http://n3", term: 3, expiresAtMs: now + 6_000), revision: 30))
        #expect(policy.step(unit: u, me: me("n2"), live: survivors, record: (dead, 30), holding: false, nowMs: now) == .leave)
        // Not yet expired: nobody takes it, however preferred.
        let alive = Lease(node: "n1", url: "http://n1", term: 2, expiresAtMs: now + 1)
        #expect(policy.step(unit: u, me: me("n3"), live: survivors, record: (alive, 30), holding: false, nowMs: now) == .leave)
        // Exactly at the expiry instant it has expired.
        #expect(Lease(node: "n1", url: "", term: 1, expiresAtMs: now).expired(atMs: now))
    }

    @Test func aHolderNamedNowhereStepsDown() {
        let other = Lease(node: "n2", url: "http://n2", term: 7, expiresAtMs: now + 5_000)
        #expect(policy.step(unit: unit(preferring: "n1"), me: me("n1"), live: live, record: (other, 40), holding: true, nowMs: now) == .stepDown)
        #expect(policy.renewEveryMs == 2_000)
    }
}
