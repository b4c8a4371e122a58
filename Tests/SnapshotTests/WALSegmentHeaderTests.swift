import Foundation
import Testing
@testable import Runtime
@testable import Snapshot

/// Segments start with "BWAL" and a format version; segments written before the header existed
/// still read, and a version this build does not know is refused with a clear message.
@Suite struct WALSegmentHeaderTests {
    static func directory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-header-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let mutations: [Mutation] = [.merge(anonymousID: "anon-1", user: "a@x.com"), .merge(anonymousID: "anon-2", user: "b@x.com")]

    @Test func aNewSegmentStartsWithMagicAndVersion() throws {
        let directory = Self.directory()
        let log = try WriteAheadLog(directory: directory, policy: .none, lastSequence: 0)
        _ = try log.append(Self.mutations[0])
        let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(WALFormat.segmentName(firstSequence: 1))))
        #expect(Array(bytes.prefix(8)) == Array("BWAL".utf8) + [1, 0, 0, 0])
        var sequences: [UInt64] = []
        try WALReader.scan(directory) { sequences.append($0.sequence) }
        #expect(sequences == [1])
    }

    @Test func aHeaderlessSegmentFromAnEarlierVersionStillRecovers() throws {
        let directory = Self.directory()
        var old: [UInt8] = []
        for (i, mutation) in Self.mutations.enumerated() {
            old += WALFormat.frame(type: mutation.typeCode, sequence: UInt64(i + 1), payload: mutation.encodedPayload())
        }
        try Data(old).write(to: directory.appendingPathComponent(WALFormat.segmentName(firstSequence: 1)))
        // A server of this version starts on it and appends in a new, headed segment.
        let before = try WALReader.scan(directory) { _ in }
        let log = try WriteAheadLog(directory: directory, policy: .none, lastSequence: before.lastSequence)
        _ = try log.append(.merge(anonymousID: "anon-3", user: "c@x.com"))
        var seen: [Mutation] = []
        let report = try WALReader.scan(directory) { seen.append(try #require(Mutation.decode(type: $0.type, payload: $0.payload))) }
        #expect(seen == Self.mutations + [.merge(anonymousID: "anon-3", user: "c@x.com")])
        #expect(report.tornTail == nil)
    }

    @Test func anUnknownVersionIsRefusedByName() throws {
        let directory = Self.directory()
        let log = try WriteAheadLog(directory: directory, policy: .none, lastSequence: 0)
        _ = try log.append(Self.mutations[0])
        let segment = directory.appendingPathComponent(WALFormat.segmentName(firstSequence: 1))
        var bytes = try Data(contentsOf: segment)
        bytes[4] = 9
        try bytes.write(to: segment)
        let refusal = try #require(throws: WALReader.UnsupportedVersion.self) { try WALReader.scan(directory, force: true) { _ in } }
        #expect(refusal.version == 9)
        #expect(refusal.description.contains("format version 9"))
    }

    @Test func aHeaderCutShortByACrashIsATornTail() throws {
        let directory = Self.directory()
        let log = try WriteAheadLog(directory: directory, policy: .none, lastSequence: 0)
        _ = try log.append(Self.mutations[0])
        try Data("BWA".utf8).write(to: directory.appendingPathComponent(WALFormat.segmentName(firstSequence: 2)))
        var sequences: [UInt64] = []
        let report = try WALReader.scan(directory) { sequences.append($0.sequence) }
        #expect(sequences == [1])
        #expect(report.tornTail?.segment == WALFormat.segmentName(firstSequence: 2))
        // The next start writes a whole header into it and appends after it.
        let reopened = try WriteAheadLog(directory: directory, policy: .none, lastSequence: report.lastSequence)
        _ = try reopened.append(Self.mutations[1])
        sequences = []
        #expect(try WALReader.scan(directory) { sequences.append($0.sequence) }.tornTail == nil)
        #expect(sequences == [1, 2])
    }
}
