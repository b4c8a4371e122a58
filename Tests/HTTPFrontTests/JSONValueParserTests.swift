import Foundation
@testable import HTTPFront
import Testing

/// The SDK routes' JSON reader gives the tree Foundation's decoder gives, and refuses what it refuses.
@Suite struct JSONValueParserTests {
    static func parsed(_ text: String) -> JSONValue? {
        var copy = text
        return copy.withUTF8 { try? JSONValueParser.parse(UnsafeRawBufferPointer($0)) }
    }

    static func decoded(_ text: String) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }

    @Test(arguments: [
        #"{}"#, #"[]"#, #"null"#, #"true"#, #" false "#, #"0"#, #"-12"#, #"3.25"#, #"-0.5e3"#, #"1E2"#, #"2.0"#, #"1.5e-3"#, #"9223372036854775807"#, #"9223372036854775808"#,
        #""plain""#, #""esc \" \\ \/ \b\f\n\r\t""#, #""\u00e9\u4e2d\ud83d\ude00""#, #""é中😀""#,
        #"{"a":[1,2,{"b":null}],"c":"d","e":{"f":[true,false]}}"#, #"[ 1 , [ 2 , [ 3 ] ] ]"#, #"{"dup":1,"dup":2}"#,
    ])
    func agreesWithFoundation(_ text: String) {
        #expect(Self.parsed(text) != nil, "\(text)")
        #expect(Self.parsed(text) == Self.decoded(text), "\(text)")
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "01", "1.", "-", "1e", "\"\\x\"", "\"\\ud800\"", "\"a\u{1}b\"", "tru", "nul", "[1] x",
                      "{\"a\":1,}", "\"unterminated", "1e400", String(repeating: "[", count: 200) + String(repeating: "]", count: 200)])
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(Self.parsed(text) == nil, "\(text.prefix(30))")
    }

    @Test func randomTreesReadBackAsWritten() throws {
        var rng = SystemRandomNumberGenerator()
        func tree(_ depth: Int) -> Any {
            switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &rng) {
            case 0: return Int.random(in: -1_000_000...1_000_000, using: &rng)
            case 1: return Double(Int.random(in: -10_000...10_000, using: &rng)) / 8
            case 2: return String((0..<Int.random(in: 0...12, using: &rng)).map { _ in "aé\"\\\n中😀 x".randomElement(using: &rng)! })
            case 3: return Bool.random(using: &rng)
            case 4: return (0..<Int.random(in: 0...4, using: &rng)).map { _ in tree(depth + 1) }
            default: return Dictionary(uniqueKeysWithValues: (0..<Int.random(in: 0...4, using: &rng)).map { ("k\($0)", tree(depth + 1)) })
            }
        }
        for _ in 0..<300 {
            let data = try JSONSerialization.data(withJSONObject: ["root": tree(0)])
            let text = String(decoding: data, as: UTF8.self)
            #expect(Self.parsed(text) == Self.decoded(text), "\(text)")
        }
    }
}
