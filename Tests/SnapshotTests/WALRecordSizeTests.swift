import Foundation
import Testing
@testable import Runtime
@testable import Snapshot

/// A record larger than a record may be is refused when written, so it is never read back as damage.
@Suite struct WALRecordSizeTests {
    @Test func anOversizedRecordIsRefusedAndNothingIsWritten() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-size-\(UUID().uuidString)")
        let log = try WriteAheadLog(directory: directory, policy: .none, lastSequence: 0)
        let segment = directory.appendingPathComponent(WALFormat.segmentName(firstSequence: 1))
        let sizeBefore = try FileManager.default.attributesOfItem(atPath: segment.path)[.size] as? Int

        let huge = Mutation.ingestBody(nowMs: 0, anonymousID: "", body: [UInt8](repeating: 0x20, count: WALFormat.maxPayload))
        let refusal = try #require(throws: RecordTooLarge.self) { try log.append(huge) }
        #expect(refusal.status == 413)
        #expect(refusal.bytes > WALFormat.maxPayload && refusal.limit == WALFormat.maxPayload)
        #expect(try FileManager.default.attributesOfItem(atPath: segment.path)[.size] as? Int == sizeBefore)
        #expect(log.lastSequence == 0)

        #expect(try log.append(.merge(anonymousID: "anon-1", user: "a@x.com")) == 1)
        var sequences: [UInt64] = []
        let report = try WALReader.scan(directory) { sequences.append($0.sequence) }
        #expect(sequences == [1])
        #expect(report.tornTail == nil)
    }
}
