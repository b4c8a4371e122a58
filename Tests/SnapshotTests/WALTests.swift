import Foundation
import Testing
@testable import Runtime
@testable import Snapshot

@Suite struct WALTests {
    func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-wal-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let mutations: [Mutation] = [
        .ingestBody(nowMs: 1_793_448_000_000, anonymousID: "anon-1", body: Array(#"{"event_type":"login","user_email":"a@x.com"}"#.utf8)),
        .events(nowMs: 1_793_448_000_001, anonymousID: "", events: [EventInput(eventType: "page_error", user: nil, account: "acme", page: "/x",
                                                                             timestampMs: 5, properties: [.init("error_type", "js_error")])]),
        .merge(anonymousID: "anon-1", user: "b@x.com"),
        .packedIngestBody(nowMs: 1_793_448_000_002, anonymousID: "",
                          body: try! PackedBody.pack(Array(#"{"events":[{"event_type":"e","user_email":"c@x.com"}]}"#.utf8))),
        .profileEdit(.setAccountProperties(account: "acme", properties: [.init("industry", "Retail"), .init("segment", nil)])),
        .profileEdit(.setAccountOwner(account: "acme", owner: "cs@x.com")),
        .profileEdit(.addAccountNote(account: "acme", note: Note(id: 1, content: "renewal in May ✓", createdMs: 1_793_448_000_003))),
        .profileEdit(.deleteAccountNote(account: "acme", noteID: 1)),
        .profileEdit(.setUserProperties(user: "b@x.com", properties: [.init("first_name", "Bo"), .init("external_id", "crm-9")])),
        .profileEdit(.addUserNote(user: "b@x.com", note: Note(id: 2, content: "asked for SSO", createdMs: 1_793_448_000_004))),
        .profileEdit(.deleteUserNote(user: "b@x.com", noteID: 2)),
        .segmentEdit(.create(id: 1, name: "Power users", folder: "Growth", isStatic: false, rules: [
            .eventCount(event: "e", comparison: .gte, value: 3, withinDays: 14),
            .any([.userProperty(PropertyFilter(property: "plan", op: .in, values: ["pro", "team"])), .not(.lastSeen(beforeDays: 7))]),
            .didEvent(event: "export", withinDays: nil, filters: [PropertyFilter(property: "n", op: .gt, values: ["2"])]),
        ], nowMs: 1_793_448_000_005)),
        .segmentEdit(.update(id: 1, name: nil, folder: .some(nil), rules: [.inSegment(id: 2), .accountProperty(PropertyFilter(property: "industry", op: .eq, values: ["Retail"]))], nowMs: 7)),
        .segmentEdit(.update(id: 1, name: "Renamed", folder: nil, rules: nil, nowMs: 8)),
        .segmentEdit(.delete(id: 1)),
        .segmentEdit(.createFolder(name: "Churn")),
        .nudgeEdit(.create(NudgeDefinition(title: "Try exports", body: "One click", buttonText: "Show me", kind: .banner, targetPage: "/reports/*",
                                           targetSegment: 1, goalEvent: "export"), id: 1, nowMs: 9)),
        .nudgeEdit(.update(NudgeDefinition(title: "t", targetPage: "/x"), id: 1, nowMs: 10)),
        .nudgeEdit(.setStatus(id: 1, status: .active, nowMs: 11)),
        .nudgeEdit(.track(id: 1, user: "b@x.com", action: .dismiss, atMs: 12)),
        .nudgeEdit(.audience(id: 1, entered: [1, 5], exited: [2], atMs: 13)),
        .nudgeEdit(.delete(id: 1)),
        .journeyEdit(.create(JourneyDefinition(name: "Activation", steps: [JourneyStep(eventType: "signup", label: "Sign up"),
                                                                           JourneyStep(eventType: "e", label: "Use it")], windowDays: 5), id: 1, nowMs: 14)),
        .journeyEdit(.update(JourneyDefinition(name: "A", steps: [JourneyStep(eventType: "a", label: "a"), JourneyStep(eventType: "b", label: "b")],
                                               windowDays: 3, status: .paused), id: 1, nowMs: 15)),
        .journeyEdit(.snapshot(id: 1, day: 20_000, users: [5, 2])),
        .journeyEdit(.decide(id: 1, recommendation: "drop-1", action: .act, atMs: 16)),
        .journeyEdit(.delete(id: 1)),
    ]

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func recordsRoundTripAcrossSegments() throws {
        let directory = temporaryDirectory()
        let log = try WriteAheadLog(directory: directory, policy: .none, lastSequence: 0, segmentBytes: 64)
        for _ in 0..<5 { for mutation in Self.mutations { _ = try log.append(mutation) } }
        #expect(WALReader.segments(in: directory).count > 1)
        var seen: [Mutation] = []
        let report = try WALReader.scan(directory) { record in
            seen.append(try #require(Mutation.decode(type: record.type, payload: record.payload)))
        }
        #expect(seen == Array(repeating: Self.mutations, count: 5).flatMap { $0 })
        let total = UInt64(5 * Self.mutations.count)
        #expect(report.lastSequence == total)
        #expect(report.tornTail == nil)
        var after: [UInt64] = []
        try WALReader.scan(directory, afterSequence: total - 3) { after.append($0.sequence) }
        #expect(after == [total - 2, total - 1, total])
    }

    @Test func aTornLastRecordIsDroppedAndCutOff() throws {
        let directory = temporaryDirectory()
        let log = try WriteAheadLog(directory: directory, policy: .none, lastSequence: 0)
        for mutation in Self.mutations { _ = try log.append(mutation) }
        let segment = directory.appendingPathComponent(WALReader.segments(in: directory)[0])
        let size = try FileManager.default.attributesOfItem(atPath: segment.path)[.size] as! Int
        for cut in [1, 5, 17, 20] {
            let copy = temporaryDirectory()
            try FileManager.default.copyItem(at: segment, to: copy.appendingPathComponent(segment.lastPathComponent))
            let handle = try FileHandle(forWritingTo: copy.appendingPathComponent(segment.lastPathComponent))
            try handle.truncate(atOffset: UInt64(size - cut)); try handle.close()
            var count = 0
            let report = try WALReader.scan(copy) { _ in count += 1 }
            #expect(count == Self.mutations.count - 1)
            #expect(report.tornTail != nil)
            // Cut back to the last whole record: a second scan is clean.
            #expect(try WALReader.scan(copy) { _ in }.tornTail == nil)
        }
    }

    @Test func damageInTheMiddleStopsTheScanUnlessForced() throws {
        let directory = temporaryDirectory()
        let log = try WriteAheadLog(directory: directory, policy: .none, lastSequence: 0)
        for mutation in Self.mutations { _ = try log.append(mutation) }
        let segment = directory.appendingPathComponent(WALReader.segments(in: directory)[0])
        var bytes = try Data(contentsOf: segment)
        bytes[WALFormat.segmentHeaderSize + WALFormat.headerSize + 3] ^= 0x40      // a bit flip in the first record's payload
        try bytes.write(to: segment)
        #expect(throws: WALReader.Corruption.self) { try WALReader.scan(directory) { _ in } }
        var count = 0
        let report = try WALReader.scan(directory, force: true, truncateTornTail: false) { _ in count += 1 }
        #expect(count == 0)
        #expect(report.tornTail?.offset == WALFormat.segmentHeaderSize)
    }

    @Test func replayingTheLogEqualsApplyingDirectly() throws {
        var rng = SystemRandomNumberGenerator()
        let parser = FastIngestParser()
        let now: Int64 = 1_793_448_000_000
        var direct = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let directory = temporaryDirectory()
        let log = try WriteAheadLog(directory: directory, policy: .none, lastSequence: 0)
        for i in 0..<300 {
            let mutation: Mutation
            switch Int.random(in: 0..<10, using: &rng) {
            case 9 where direct.knownUser("u1@x.com") != nil:   // a merge may name u1 before it has events
                let notes = direct.profiles.user(direct.userIndex("u1@x.com")!.rawValue).notes
                let edits: [ProfileEdit] = [
                    .setAccountProperties(account: "acct\(i % 4)", properties: [.init("industry", ["Retail", "SaaS"][i % 2])]),
                    .setAccountOwner(account: "acct\(i % 3)", owner: "owner\(i % 2)@x.com"),
                    .addUserNote(user: "u1@x.com", note: Note(id: direct.nextNoteID, content: "note \(i)", createdMs: now + Int64(i))),
                    .setUserProperties(user: "u1@x.com", properties: [.init("external_id", "crm-\(i)"), .init("tier", "\(i % 3)")]),
                ] + (notes.first.map { [ProfileEdit.deleteUserNote(user: "u1@x.com", noteID: $0.id)] } ?? [])
                mutation = .profileEdit(edits.randomElement(using: &rng)!)
            case 0:
                mutation = .merge(anonymousID: "anon-\(Int.random(in: 0..<20, using: &rng))", user: "u\(Int.random(in: 0..<30, using: &rng))@x.com")
            case 1:
                mutation = .events(nowMs: now + Int64(i), anonymousID: "anon-g\(i)", events: [EventInput(eventType: "page_error", user: nil, page: "/p", timestampMs: nil)])
            default:
                let events = (0..<Int.random(in: 1...20, using: &rng)).map { _ in
                    let user = Bool.random(using: &rng) ? "u\(Int.random(in: 0..<30, using: &rng))@x.com" : "anon-\(Int.random(in: 0..<20, using: &rng))"
                    return #"{"event_type":"e\#(Int.random(in: 0..<5, using: &rng))","user_email":"\#(user)","timestamp":\#(now - Int64.random(in: 0..<(20 * 86_400_000), using: &rng))}"#
                }
                let body = Array(#"{"events":[\#(events.joined(separator: ","))]}"#.utf8)
                mutation = Bool.random(using: &rng)
                    ? .ingestBody(nowMs: now + Int64(i), anonymousID: "anon-b\(i)", body: body)
                    : .packedIngestBody(nowMs: now + Int64(i), anonymousID: "anon-b\(i)", body: try PackedBody.pack(body))
            }
            try direct.replay(mutation, parser: parser)
            _ = try log.append(mutation)
        }
        var recovered = TenantState(settings: TenantSettings(id: "t", name: "t"))
        try WALReader.scan(directory) { record in
            try recovered.replay(try #require(Mutation.decode(type: record.type, payload: record.payload)), parser: parser)
        }
        let range = DayRange(days: 30, endingOn: direct.day(of: now))
        #expect(recovered.dataStats == direct.dataStats)
        #expect(recovered.dailyActiveUsers(range) == direct.dailyActiveUsers(range))
        #expect(recovered.trailingActiveUsers(range, window: 7) == direct.trailingActiveUsers(range, window: 7))
        #expect(recovered.eventTypeUsage(range) == direct.eventTypeUsage(range))
        #expect(recovered.activity(range) == direct.activity(range))
        #expect(recovered.profiles == direct.profiles)
        #expect(recovered.userIndex("u1@x.com").map { recovered.externalID(of: $0) } == direct.userIndex("u1@x.com").map { direct.externalID(of: $0) })
    }
}
