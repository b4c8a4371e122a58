import Testing
@testable import NATS

@Suite struct HeadersTests {
    @Test func lookupIgnoresCaseAndKeepsOrder() {
        var headers: NATSHeaders = ["Nats-Msg-Id": "1", "X-Tag": "a"]
        headers.append("x-tag", "b")
        #expect(headers["nats-msg-id"] == "1")
        #expect(headers.values(for: "X-TAG") == ["a", "b"])
        headers.set("X-Tag", "c")
        #expect(headers.values(for: "x-tag") == ["c"])
        #expect(headers.fields.map(\.name) == ["Nats-Msg-Id", "X-Tag"])
        headers.remove("NATS-MSG-ID")
        #expect(headers["Nats-Msg-Id"] == nil)
    }

    @Test func blockRoundTrip() throws {
        let headers: NATSHeaders = ["A": "1", "B": "two words", "a": "3"]
        let block = try HeaderBlock.encode(headers)
        #expect(String(decoding: block, as: UTF8.self) == "NATS/1.0\r\nA: 1\r\nB: two words\r\na: 3\r\n\r\n")
        let parsed = try HeaderBlock.parse(block)
        #expect(parsed.headers == headers)
        #expect(parsed.status == nil)
    }

    @Test func statusLine() throws {
        let parsed = try HeaderBlock.parse(Array("NATS/1.0 404 No Messages\r\n\r\n".utf8))
        #expect(parsed.status == 404)
        #expect(parsed.statusDescription == "No Messages")
        #expect(parsed.headers.isEmpty)
    }

    @Test func refusesHeadersThatBreakTheBlock() {
        #expect(throws: NATSError.self) { try HeaderBlock.encode(["A": "x\r\nB: y"]) }
        #expect(throws: NATSError.self) { try HeaderBlock.encode(["A:B": "x"]) }
    }
}
