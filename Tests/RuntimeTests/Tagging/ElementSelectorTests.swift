import Testing
@testable import Runtime

/// Element rules against recorded element paths, each answer labelled by hand from what the
/// CSS selector means for that chain of elements.
struct ElementSelectorTests {
    static let recorded = [
        "#checkout > button.buy.primary",                    // 0
        "#checkout > div.row > button.buy",                  // 1
        "main > div.card:nth-of-type(2) > a",                // 2
        "[data-beacon=\"export\"]",                         // 3
        "#nav > a.link",                                     // 4
        "body > main > section > div.card > button.buy",     // 5
    ]

    @Test(arguments: [
        ("#checkout button.buy", [0, 1]),
        ("#checkout > button", [0]),
        ("#checkout > button.buy.primary", [0]),
        ("button.buy", [0, 1, 5]),
        ("button.primary.buy", [0]),
        ("[data-beacon=export]", [3]),
        ("[data-beacon='export']", [3]),
        ("[data-beacon]", [3]),
        ("div.card:nth-of-type(2) > a", [2]),
        ("main a", [2]),
        ("main button", [5]),
        ("body section button", [5]),
        ("section > button", []),
        ("*", [0, 1, 2, 3, 4, 5]),
        ("a.link, [data-beacon=\"export\"]", [3, 4]),
        ("#nav a.link", [4]),
        ("div > a", [2]),
        ("body > main > section > div > button", [5]),
        ("html body button", []),
    ])
    func selectorsMatchTheChainsTheyDescribe(_ rule: String, _ expected: [Int]) throws {
        let selector = try ElementSelector(rule)
        let matched = Self.recorded.indices.filter { selector.matches(recordedPath: Self.recorded[$0]) }
        #expect(matched == expected, "\(rule)")
    }

    @Test func aLongRecordedPathIsJudgedQuicklyAndGarbageMatchesNothing() throws {
        let deep = (0..<60).map { _ in "div" }.joined(separator: " > ") + " > button"
        let rule = try ElementSelector((0..<30).map { _ in "div" }.joined(separator: " ") + " button")
        #expect(rule.matches(recordedPath: deep))
        #expect(!rule.matches(recordedPath: "div >> button") && !rule.matches(recordedPath: ""))
    }

    @Test(arguments: ["", "a ~ b", "a + b", "a:hover", "[x", "[x^=y]", "a,", ">", "a >", ".", "#", ":nth-child(x)",
                      (0..<40).map { _ in "a" }.joined(separator: " ")])
    func badSelectorsAreRefused(_ rule: String) {
        #expect(throws: ElementSelector.Invalid.self) { try ElementSelector(rule) }
    }
}
