import Foundation
import Testing
@testable import HTTPFront

@Suite struct ISOTextTests {
    @Test func matchesFoundationsFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var state: UInt64 = 42
        for _ in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let ms = Int64(state >> 24) % 4_102_444_800_000   // 1970 ... 2100
            let text = ISOText.timestamp(ms)
            let whole = formatter.string(from: Date(timeIntervalSince1970: Double(ms / 1000)))
            #expect(text.prefix(19) == whole.prefix(19))
            #expect(text.suffix(5) == "." + String(String(ms % 1000 + 1000).dropFirst()) + "Z")
        }
        #expect(ISOText.timestamp(0) == "1970-01-01T00:00:00.000Z")
    }
}
