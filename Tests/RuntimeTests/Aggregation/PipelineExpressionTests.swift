import Foundation
import Testing
@testable import Runtime

/// The aggregation pipeline's expression language: the seed's precedence, null rules and
/// functions, and errors with columns.
struct PipelineExpressionTests {
    static let utc = TenantCalendar(timeZone: TimeZone(identifier: "UTC")!)
    static let newYork = TenantCalendar(timeZone: TimeZone(identifier: "America/New_York")!)

    func environment(_ calendar: TenantCalendar = utc, now: Int64 = 1_693_932_275_771) -> PipelineEnvironment {
        PipelineEnvironment(nowMs: now, calendar: calendar, isIdentified: { !$0.hasPrefix("_PENDO_T_") })
    }

    func value(_ text: String, _ row: PipelineRow = [:], calendar: TenantCalendar = utc) throws -> PipelineValue {
        var env = environment(calendar)
        return try PipelineExpressionParser.parse(text).evaluate(row, &env)
    }

    @Test func precedenceFollowsC() throws {
        #expect(try value("1 + 2 * 3") == .number(7))
        #expect(try value("(1 + 2) * 3") == .number(9))
        #expect(try value("10 - 4 - 3") == .number(3))
        #expect(try value("7 % 4 + 1") == .number(4))
        #expect(try value("1 < 2 == true") == .bool(true))
        #expect(try value("false || true && false") == .bool(false))
        #expect(try value("!false && -2 < -1") == .bool(true))
        #expect(try value("9 / 2") == .number(4.5))
    }

    @Test func nullRulesAreTheSeeds() throws {
        #expect(try value("(true && null) == false") == .bool(true))
        #expect(try value("null || true") == .bool(true))
        #expect(try value("null == null") == .bool(true))
        #expect(try value("null != false") == .bool(true))
        #expect(try value("1 + null") == .null)
        #expect(try value("1 + null == null") == .bool(true))
        #expect(try value("missing.field < 3") == .null)
        #expect(try value("1 / 0") == .null)
    }

    @Test func fieldsAndStrings() throws {
        let row: PipelineRow = ["visitorId": .string("exampleVisitor"), "metadata": .object(["agent": .object(["boolean": .bool(true)])]),
                                "numEvents": .number(4)]
        #expect(try value("visitorId == `exampleVisitor`", row) == .bool(true))
        #expect(try value("visitorId == \"other\"", row) == .bool(false))
        #expect(try value("metadata.agent.boolean", row) == .bool(true))
        #expect(try value("numEvents * 2", row) == .number(8))
        #expect(try value("\"a\\\"b\"") == .string("a\"b"))
        #expect(try value("\"abc\" < \"abd\"") == .bool(true))
    }

    @Test func functions() throws {
        let row: PipelineRow = ["tags": .list([.number(3), .number(1), .number(3), .string("x")]), "name": .string("Chrome"), "blank": .string("")]
        #expect(try value("if(name == \"\", \"unknown\", name)", row) == .string("Chrome"))
        #expect(try value("if(false, 1)") == .null)
        #expect(try value("isNull(nothing) && !isNull(name)", row) == .bool(true))
        #expect(try value("isEmpty(blank) && isEmpty(nothing) && !isEmpty(name)", row) == .bool(true))
        #expect(try value("isNumber(1) && isString(name) && isList(tags) && isBoolean(true) && isNil(null)", row) == .bool(true))
        #expect(try value("contains(name, \"hro\") && contains(tags, 1) && !contains(tags, 2)", row) == .bool(true))
        #expect(try value("split(\"a,b,,c\", \",\")") == .list([.string("a"), .string("b"), .string(""), .string("c")]))
        #expect(try value("startsWith(toLowerCase(name), \"chr\")", row) == .bool(true))
        #expect(try value("toString(42)") == .string("42"))
        #expect(try value("len(tags)", row) == .number(4))
        #expect(try value("sum(tags)", row) == .number(7))
        #expect(try value("sortUnique(listInRange(tags, 1, 3))", row) == .list([.number(1), .number(3)]))
        #expect(try value("reverse([1, 2])") == .list([.number(2), .number(1)]))
        #expect(try value("tags[-1]", row) == .string("x"))
        #expect(try value("tags[1:3]", row) == .list([.number(1), .number(3)]))
        #expect(try value("tags[:1]", row) == .list([.number(3)]))
        #expect(try value("list(name, blank)", row) == .list([.string("Chrome"), .string("")]))
        #expect(try value("identified(`_PENDO_T_abc`)") == .bool(false))
        #expect(try value("identified(`ann@example.com`)") == .bool(true))
        // A bool or a list is no one's id.
        #expect(try value("identified(true)") == .bool(false) && value("identified([1])") == .bool(false))
    }

    @Test func datesAreCutInTheTenantsZone() throws {
        // 2023-09-01 00:00 in New York is 04:00 UTC.
        #expect(try value("date(2023, 9, 1)", calendar: Self.newYork) == .number(1_693_540_800_000))
        #expect(try value("date(\"2023-09-01\")", calendar: Self.newYork) == .number(1_693_540_800_000))
        #expect(try value("date(\"2023-09-05T12:44:35\")", calendar: Self.newYork) == .number(1_693_932_275_000))
        #expect(try value("date(2023, 9)") == .number(1_693_526_400_000))
        #expect(try value("date(2100, 1, 1)") == .number(4_102_444_800_000))
        #expect(throws: (any Error).self) { try value("date(2100, 6, 1)") }
        #expect(throws: (any Error).self) { try value("date(1999, 6, 1)") }
        #expect(try value("dateAdd(date(2023, 9, 1), 1, \"months\")") == .number(1_696_118_400_000))
        #expect(try value("dateAdd(date(2023, 9, 1), -1, \"days\")") == .number(1_693_440_000_000))
        #expect(try value("dateAdd(date(2023, 9, 1), 2, \"hours\")") == .number(1_693_533_600_000))
        #expect(try value("startOfPeriod(\"dayRange\", 1693932275771)", calendar: Self.newYork) == .number(1_693_886_400_000))
        #expect(try value("startOfPeriod(\"weekly\", 1693932275771)") == .number(1_693_699_200_000))   // Sunday 2023-09-03
        #expect(try value("startOfPeriod(\"monthly\", 1693932275771)") == .number(1_693_526_400_000))
        #expect(try value("now()") == .number(1_693_932_275_771))
    }

    @Test func errorsNameTheColumn() {
        func failure(_ text: String) -> PipelineExpressionParser.Failure? {
            do { _ = try PipelineExpressionParser.parse(text); return nil } catch { return error }
        }
        #expect(failure("visitorId = `x`")?.column == 11)
        #expect(failure("1 +")?.message.contains("missing") == true)
        #expect(failure("nosuch(1)")?.column == 1)
        #expect(failure("len(1, 2)")?.message.contains("takes 1") == true)
        #expect(failure("\"open")?.column == 1)
        #expect(failure("(1 + 2")?.message.contains("')'") == true)
        #expect(failure("") != nil)
        #expect(failure(String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500)) != nil)
        #expect(failure("a & b")?.message.contains("&&") == true)
    }

    @Test func typeErrorsAreErrorsNotTraps() {
        var env = environment()
        for text in ["\"a\" + 1", "!\"x\"", "[1] < 2", "date(\"tomorrow\")", "dateAdd(0, 1, \"years\")", "date(99999, 1)", "len(true)", "1[0]",
                     "startOfPeriod(\"yearly\", 0)", "dateAdd(now(), 99999999999, \"days\")"] {
            #expect(throws: PipelineEvaluationError.self, "\(text)") { _ = try PipelineExpressionParser.parse(text).evaluate([:], &env) }
        }
    }

    /// Arithmetic and comparison over random operands, against a plain reading of the rules.
    @Test func arithmeticMatchesAPlainReference() throws {
        var generator = SystemRandomNumberGenerator()
        let operators = ["+", "-", "*", "<", "<=", ">", ">=", "==", "!="]
        for _ in 0..<500 {
            let a = Double(Int.random(in: -50...50, using: &generator)), b = Double(Int.random(in: -50...50, using: &generator))
            let op = operators.randomElement(using: &generator)!
            let expected: PipelineValue
            switch op {
            case "+": expected = .number(a + b)
            case "-": expected = .number(a - b)
            case "*": expected = .number(a * b)
            case "<": expected = .bool(a < b)
            case "<=": expected = .bool(a <= b)
            case ">": expected = .bool(a > b)
            case ">=": expected = .bool(a >= b)
            case "==": expected = .bool(a == b)
            default: expected = .bool(a != b)
            }
            #expect(try value("x \(op) y", ["x": .number(a), "y": .number(b)]) == expected)
        }
    }
}
