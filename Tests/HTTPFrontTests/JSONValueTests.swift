import Foundation
@testable import HTTPFront
import Testing

@Suite struct JSONValueTests {
    func decode(_ json: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) }

    @Test func booleansAndNumbersAreDistinctCases() throws {
        #expect(try decode("true") == .bool(true))
        #expect(try decode("0") == .integer(0))
        #expect(try decode("1") == .integer(1))
        #expect(try decode("1.5") == .number(1.5))
        #expect(try decode(#""1""#) == .string("1"))
        #expect(try decode("null") == .null)
        #expect(try decode(#"{"a":[1,false,null]}"#) == .object(["a": .array([.integer(1), .bool(false), .null])]))
    }

    @Test func integersAreWholeAndWithinNineQuintillion() throws {
        #expect(try decode("2.0").integer == 2)
        #expect(try decode("1e3").integer == 1000)
        #expect(try decode("2.5").integer == nil)
        #expect(try decode("true").integer == nil)
        #expect(try decode("8999999999999999999").integer == 8_999_999_999_999_999_999)
        #expect(try decode("9223372036854775807").integer == nil)
        #expect(try decode("1e300").integer == nil)
    }

    @Test(arguments: [("true", "true"), ("false", "false"), ("3", "3"), ("-0.25", "-0.25"), ("4.0", "4"), (#""x""#, "x")])
    func scalarsReadAsPropertyText(_ json: String, _ text: String) throws {
        #expect(try decode(json).scalarText == text)
    }

    @Test(arguments: ["null", "[]", "{}"])
    func onlyScalarsHaveText(_ json: String) throws {
        #expect(try decode(json).scalarText == nil)
    }
}
