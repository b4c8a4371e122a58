import Testing
@testable import NATS

/// The string layouts JetStream, KV and the object store agree on with other clients.
@Suite struct ConventionsTests {
    @Test func ackSubjects() {
        let v1 = AckMetadata(replySubject: "$JS.ACK.T.1CALbXRC.1.2.3.1796685227624690498.7")
        #expect(v1?.stream == "T")
        #expect(v1?.consumer == "1CALbXRC")
        #expect(v1?.streamSequence == 2)
        #expect(v1?.consumerSequence == 3)
        #expect(v1?.pending == 7)
        let v2 = AckMetadata(replySubject: "$JS.ACK.hub.ACCHASH.T.C.1.20.30.1796685227624690498.0.xyz")
        #expect(v2?.stream == "T")
        #expect(v2?.streamSequence == 20)
        #expect(v2?.pending == 0)
        #expect(AckMetadata(replySubject: "_INBOX.abc") == nil)
    }

    @Test func base64URLWithPadding() {
        #expect(Base64URL.encode(Array("a?b>".utf8)) == "YT9iPg==")
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8=")
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
    }
}
