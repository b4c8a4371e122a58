import Testing
@testable import HTTPFront

/// The Personyze path grammar: every modifier and operator as the seed and its companion pages
/// write them, modifiers in any order, percent-decoding once, and a 400 naming the segment.
struct PersonyzePathTests {
    typealias C = PersonyzePath.Condition

    @Test func theSeedsExamplesParse() throws {
        let users = try PersonyzePath(raw: "users/where/last_session_time>1730000000/columns/user_id,email/order_by_desc/last_session_time/limit/1000")
        #expect(users.object == "users" && users.id == nil && users.limit == 1000 && users.descending && users.orderBy == ["last_session_time"])
        #expect(users.conditions == [[C(column: "last_session_time", op: .greater, values: ["1730000000"])]])
        #expect(users.columns == ["user_id", "email"])
        let one = try PersonyzePath(raw: "placeholders/14")
        #expect(one.object == "placeholders" && one.id == 14 && one.conditions.isEmpty)
        let range = try PersonyzePath(raw: "summary_actions/where/container_id=1234&time>1730000000&time<1731000000")
        #expect(range.conditions == [[C(column: "container_id", op: .equal, values: ["1234"]), C(column: "time", op: .greater, values: ["1730000000"]),
                                      C(column: "time", op: .less, values: ["1731000000"])]])
        #expect(try PersonyzePath(raw: "products/where/category=tools&is_in_stock=yes/").conditions[0].count == 2)
    }

    @Test func everyOperatorOrAndAndOffsets() throws {
        let modifiers = try PersonyzePath(raw: "users/limit/5,10/where/a!=1&b>=2&c<=3|d:1,2,3&e!:x,y/order_by/a,b")
        #expect(modifiers.offset == 5 && modifiers.limit == 10 && modifiers.orderBy == ["a", "b"] && !modifiers.descending)
        #expect(modifiers.conditions == [[C(column: "a", op: .notEqual, values: ["1"]), C(column: "b", op: .greaterOrEqual, values: ["2"]),
                                          C(column: "c", op: .lessOrEqual, values: ["3"])],
                                         [C(column: "d", op: .inList, values: ["1", "2", "3"]), C(column: "e", op: .notInList, values: ["x", "y"])]])
        #expect(try PersonyzePath(raw: "users/column/email").column == "email")
    }

    @Test func valuesAreDecodedOnceAfterSplitting() throws {
        let path = try PersonyzePath(raw: "users/where/email=ann%40x.com&note=a%2Fb%26c%7Cd&tag:x%2Cy,z&p=100%2525")
        #expect(path.conditions == [[C(column: "email", op: .equal, values: ["ann@x.com"]), C(column: "note", op: .equal, values: ["a/b&c|d"]),
                                     C(column: "tag", op: .inList, values: ["x,y", "z"]), C(column: "p", op: .equal, values: ["100%25"])]])
        #expect(try PersonyzePath(raw: "users/where/name=").conditions == [[C(column: "name", op: .equal, values: [""])]])
    }

    @Test(arguments: [
        ("", "object"), ("us%ZZers", "object"), ("users/0", "id"), ("users/99999999999999999999", "id"),
        ("users/sort/a", "sort (segment 2)"), ("users/where", "where (segment 2)"), ("users/where/a=1/where/b=2", "where (segment 4)"),
        ("users/order_by/a/order_by_desc/b", "order_by_desc (segment 4)"), ("users/where/=1", "where (segment 3)"), ("users/where/a~1", "where (segment 3)"),
        ("users/where/a!1", "where (segment 3)"), ("users/where/a=1&", "where (segment 3)"), ("users/where/a=%G1", "where (segment 3)"),
        ("users/columns/a,,b", "columns (segment 3)"), ("users/columns/a-b", "columns (segment 3)"), ("users/limit/-1", "limit (segment 3)"),
        ("users/limit/1,2,3", "limit (segment 3)"), ("users/limit/1000000", "limit (segment 3)"), ("users/limit/x,5", "limit (segment 3)"),
        ("users/columns/a/column/b", "column"),
    ])
    func badPathsNameTheSegment(_ raw: String, _ segment: String) {
        #expect(throws: PersonyzePath.Invalid.self) { try PersonyzePath(raw: raw) }
        do { _ = try PersonyzePath(raw: raw) } catch { #expect(error.segment == segment, "\(raw): \(error)") }
    }

    @Test func tooManyConditionsOrColumnsAreRefused() {
        #expect(throws: PersonyzePath.Invalid.self) { try PersonyzePath(raw: "users/where/" + (0..<65).map { "a\($0)=1" }.joined(separator: "&")) }
        #expect(throws: PersonyzePath.Invalid.self) { try PersonyzePath(raw: "users/columns/" + (0..<201).map { "c\($0)" }.joined(separator: ",")) }
    }
}
