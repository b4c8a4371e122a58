import Foundation
import Testing
@testable import HTTPFront

@Suite struct JSONWriterTests {
    @Test func writesValidJSONThatFoundationReadsBack() throws {
        var json = JSONWriter()
        let tricky = "quote\" back\\slash \n tab\t é 😀 \u{1}"
        json.object { json in
            json.key("n"); json.value(-42)
            json.key("s"); json.value(tricky)
            json.key("list"); json.array { json in json.value(1); json.value(2); json.object { _ in } }
            json.key("t"); json.timestamp(1_793_447_940_123)
            json.key("d"); json.date(20_000)
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any])
        #expect(object["n"] as? Int == -42)
        #expect(object["s"] as? String == tricky)
        #expect((object["list"] as? [Any])?.count == 3)
        #expect(object["t"] as? String == "2026-10-31T11:59:00.123Z")
        #expect(object["d"] as? String == "2024-10-04")
    }

    @Test func timestampsMatchISOText() {
        var state: UInt64 = 7
        for _ in 0..<1000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let ms = Int64(state >> 24) % 4_102_444_800_000
            var json = JSONWriter()
            json.timestamp(ms)
            #expect(String(decoding: json.bytes, as: UTF8.self) == "\"" + ISOText.timestamp(ms) + "\"")
        }
    }
}

@Suite struct JSONWriterEdgeTests {
    @Test func instantsAndDaysAtTheEdgesAreWrittenNotTrapped() throws {
        var json = JSONWriter()
        json.array { json in
            json.timestamp(Int64.max); json.timestamp(Int64.min); json.timestamp(-1)
            json.date(Int32.max); json.date(Int32.min)
        }
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String])
        #expect(list == ["9999-12-31T23:59:59.999Z", "0000-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "9999-12-31", "0000-01-01"])
    }
}
