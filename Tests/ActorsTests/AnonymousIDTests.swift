import Testing
@testable import Actors

/// Anonymous ids are logged and kept in snapshots: one client must map to the same id forever.
@Suite struct AnonymousIDTests {
    @Test func aVisitorsIDIsPinned() {
        #expect(AnonymousID.make(tenant: "acme", visitor: "203.0.113.9 Mozilla/5.0") == "anon-1d65c42d16c951cc")
    }

    @Test func withoutAVisitorEachIDIsNew() {
        #expect(AnonymousID.make(tenant: "acme", visitor: nil) != AnonymousID.make(tenant: "acme", visitor: nil))
    }
}
