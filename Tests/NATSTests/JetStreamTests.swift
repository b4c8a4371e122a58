import Foundation
import NATS
import NATSTestSupport
import Testing

@Suite(.enabled(if: NATSServerProcess.isInstalled, "nats-server is not installed; `make cluster-deps` installs it"))
struct JetStreamTests {
    @Test func createStreamIsIdempotent() async throws {
        try await withJetStream { js, _ in
            let created = try await js.createStream(name: "EVENTS", subjects: ["events.>"])
            #expect(created.config.name == "EVENTS")
            #expect(created.state.messages == 0)
            let again = try await js.createStream(name: "EVENTS", subjects: ["events.>"])
            #expect(again.config.subjects == ["events.>"])
            // A different configuration keeps the stream as it is.
            let different = try await js.createStream(name: "EVENTS", subjects: ["events.>"], maxMsgsPerSubject: 5)
            #expect(different.config.maxMsgsPerSubject == -1)
            try await js.deleteStream("EVENTS")
            await #expect(throws: JetStreamError.self) { _ = try await js.streamInfo("EVENTS") }
            do {
                _ = try await js.streamInfo("EVENTS")
            } catch let error as JetStreamError {
                #expect(error.errorCode == 10059)
            }
        }
    }

    @Test func publishDeduplicatesByMessageID() async throws {
        try await withJetStream { js, _ in
            try await js.createStream(name: "DEDUP", subjects: ["dedup.>"])
            let first = try await js.publish(subject: "dedup.a", payload: Array("one".utf8), msgID: "id-1")
            let second = try await js.publish(subject: "dedup.a", payload: Array("one again".utf8), msgID: "id-1")
            #expect(first.stream == "DEDUP")
            #expect(first.seq == 1)
            #expect(!first.duplicate)
            #expect(second.duplicate)
            #expect(second.seq == 1)
            let info = try await js.streamInfo("DEDUP")
            #expect(info.state.messages == 1)
            #expect(try await js.message(stream: "DEDUP", sequence: 1)?.payload == Array("one".utf8))
        }
    }

    @Test func publishWithoutAStreamHasNoResponders() async throws {
        try await withJetStream { js, _ in
            await #expect(throws: JetStreamError.self) {
                try await js.publish(subject: "nowhere", payload: [])
            }
        }
    }

    @Test func expectedLastSequencesRefuseStaleWriters() async throws {
        try await withJetStream { js, _ in
            try await js.createStream(name: "CAS", subjects: ["cas.>"])
            let first = try await js.publish(subject: "cas.leader", payload: [1], expectedLastSubjectSequence: 0)
            try await js.publish(subject: "cas.other", payload: [2])
            let second = try await js.publish(subject: "cas.leader", payload: [3], expectedLastSubjectSequence: first.seq)
            #expect(second.seq == 3)
            do {
                try await js.publish(subject: "cas.leader", payload: [4], expectedLastSubjectSequence: first.seq)
                Issue.record("a stale expected-last-subject-sequence was accepted")
            } catch JetStreamError.wrongLastSequence(let text) {
                #expect(text.contains("wrong last sequence"))
            }
            await #expect(throws: JetStreamError.wrongLastSequence("wrong last sequence: 3")) {
                try await js.publish(subject: "cas.any", payload: [5], expectedLastSequence: 2)
            }
            #expect(try await js.publish(subject: "cas.any", payload: [5], expectedLastSequence: 3).seq == 4)
            #expect(try await js.streamInfo("CAS").state.lastSeq == 4)
        }
    }

    @Test func messageGetAndLastBySubject() async throws {
        try await withJetStream { js, _ in
            try await js.createStream(name: "GET", subjects: ["get.>"])
            try await js.publish(subject: "get.a", payload: Array("a1".utf8), headers: ["Kind": "first"])
            try await js.publish(subject: "get.b", payload: Array("b1".utf8))
            try await js.publish(subject: "get.a", payload: Array("a2".utf8), msgID: "m-3")
            let first = try #require(try await js.message(stream: "GET", sequence: 1))
            #expect(first.subject == "get.a")
            #expect(first.payload == Array("a1".utf8))
            #expect(first.headers?["kind"] == "first")
            let lastA = try #require(try await js.lastMessage(stream: "GET", subject: "get.a"))
            #expect(lastA.sequence == 3)
            #expect(lastA.payload == Array("a2".utf8))
            #expect(lastA.headers?["Nats-Msg-Id"] == "m-3")
            #expect(try await js.lastMessage(stream: "GET", subject: "get.b")?.sequence == 2)
            #expect(try await js.message(stream: "GET", sequence: 99) == nil)
            #expect(try await js.lastMessage(stream: "GET", subject: "get.none") == nil)
        }
    }

    @Test func replayReturnsWhatWasPublishedInOrder() async throws {
        try await withJetStream { js, _ in
            try await js.createStream(name: "REPLAY", subjects: ["replay.>"])
            let count = 20_000
            let payloads = (0..<count).map { Array("event \($0) \(String(repeating: "x", count: $0 % 50))".utf8) }
            for (index, payload) in payloads.enumerated() {
                try js.connection.publish("replay.\(index % 7)", payload: payload)
            }
            try await waitForMessages(js, stream: "REPLAY", count: UInt64(count))

            var sequence: UInt64 = 0
            for try await message in js.messages(stream: "REPLAY", from: 1, batch: 1000) {
                sequence += 1
                #expect(message.sequence == sequence)
                #expect(message.subject == "replay.\(Int(sequence - 1) % 7)")
                if message.payload != payloads[Int(sequence - 1)] {
                    Issue.record("payload of \(sequence) differs")
                    break
                }
            }
            #expect(sequence == UInt64(count))

            // From the middle, one subject only.
            var filtered: [UInt64] = []
            for try await message in js.messages(stream: "REPLAY", subject: "replay.3", from: 19_000, batch: 100) {
                filtered.append(message.sequence)
            }
            #expect(filtered == Array(stride(from: UInt64(19_000), through: UInt64(count), by: 1)).filter { ($0 - 1) % 7 == 3 })

            // Past the end, and from an empty stream: nothing.
            var none = 0
            for try await _ in js.messages(stream: "REPLAY", from: UInt64(count) + 1) { none += 1 }
            try await js.createStream(name: "EMPTY", subjects: ["empty"])
            for try await _ in js.messages(stream: "EMPTY") { none += 1 }
            #expect(none == 0)
        }
    }

    @Test func replayStopsAtTheLastSequenceOfTheStart() async throws {
        try await withJetStream { js, _ in
            try await js.createStream(name: "LIVE", subjects: ["live"])
            for index in 0..<10 { try await js.publish(subject: "live", payload: [UInt8(index)]) }
            var seen: [UInt64] = []
            for try await message in js.messages(stream: "LIVE", batch: 3) {
                seen.append(message.sequence)
                if message.sequence == 2 { try await js.publish(subject: "live", payload: [99]) }
            }
            #expect(seen == Array(1...10))
        }
    }

    @Test func replayFailsInsteadOfHangingWhenTheServerGoesQuiet() async throws {
        try await withNATSServer { server in
            let connection = try await server.connect()
            let js = JetStream(connection: connection)
            try await js.createStream(name: "QUIET", subjects: ["quiet"])
            for index in 0..<1000 { try connection.publish("quiet", payload: [UInt8(index % 256)]) }
            try await waitForMessages(js, stream: "QUIET", count: 1000)
            var impatient = js
            impatient.timeout = .seconds(1)
            var read = 0
            do {
                for try await _ in impatient.messages(stream: "QUIET", batch: 100) {
                    read += 1
                    if read == 1 { server.pause() }
                }
                Issue.record("the replay ended normally after \(read) messages")
            } catch NATSError.timeout(let what) {
                #expect(what.contains("replay of QUIET"))
            }
            #expect(read >= 1 && read <= 200)
            server.resume()
            await connection.close()
        }
    }

    @Test func replayRate() async throws {
        try await withJetStream { js, _ in
            try await js.createStream(name: "RATE", subjects: ["rate.>"])
            let count = 100_000
            let payload = Array(#"{"event":"page_view","user":"u-12345","ts":1796685227624}"#.utf8)
            let publishStart = ContinuousClock.now
            for index in 0..<count { try js.connection.publish("rate.\(index % 16)", payload: payload) }
            try await waitForMessages(js, stream: "RATE", count: UInt64(count))
            let published = ContinuousClock.now - publishStart

            let readStart = ContinuousClock.now
            var read = 0
            var lastSequence: UInt64 = 0
            for try await message in js.messages(stream: "RATE", batch: 2048) {
                read += 1
                lastSequence = message.sequence
            }
            let elapsed = ContinuousClock.now - readStart
            #expect(read == count)
            #expect(lastSequence == UInt64(count))
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("replay: \(read) messages in \(elapsed) = \(Int(Double(read) / seconds)) messages/s (stored in \(published))")
        }
    }

    @Test func purgeBelowASequence() async throws {
        try await withJetStream { js, _ in
            try await js.createStream(name: "PURGE", subjects: ["purge.>"])
            for index in 1...10 { try await js.publish(subject: index.isMultiple(of: 2) ? "purge.even" : "purge.odd", payload: [UInt8(index)]) }
            #expect(try await js.purge(stream: "PURGE", subject: "purge.even", upToSequence: 7) == 3)  // 2, 4, 6
            var left: [UInt64] = []
            for try await message in js.messages(stream: "PURGE") { left.append(message.sequence) }
            #expect(left == [1, 3, 5, 7, 8, 9, 10])
            #expect(try await js.purge(stream: "PURGE", upToSequence: 9) == 5)  // 1, 3, 5, 7, 8
            let state = try await js.streamInfo("PURGE").state
            #expect(state.firstSeq == 9)
            #expect(state.messages == 2)
            #expect(try await js.purge(stream: "PURGE", keep: 1) == 1)
            #expect(try await js.message(stream: "PURGE", sequence: 9) == nil)
            #expect(try await js.message(stream: "PURGE", sequence: 10)?.payload == [10])
        }
    }
}

/// Plain publishes are not acknowledged: wait until the stream holds them all.
func waitForMessages(_ js: JetStream, stream: String, count: UInt64) async throws {
    try await js.connection.flush(timeout: .seconds(30))
    let deadline = ContinuousClock.now + .seconds(30)
    while try await js.streamInfo(stream).state.messages < count {
        guard ContinuousClock.now < deadline else {
            Issue.record("stream \(stream) never reached \(count) messages")
            return
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
