import Foundation
import Testing
@testable import Runtime

/// Page rules against a plain reference: each rule turned into a regular expression by hand
/// (`*` any text but `/`, a `**` segment any number of segments, ASCII case ignored), over
/// generated paths; query conditions and refusals checked by hand.
struct PageRuleTests {
    /// The reference: a rule's path as a regex, written without the engine's matcher.
    static func regex(_ rule: String) -> NSRegularExpression {
        var path = rule.hasPrefix("//*") ? String(rule.dropFirst(3)) : rule
        if let q = path.firstIndex(of: "?") { path = String(path[..<q]) }
        let segments = path.split(separator: "/").map(String.init)
        var pattern = "^"
        for segment in segments {
            if segment == "**" { pattern += "(/[^/]+)*"; continue }
            pattern += "/" + segment.split(separator: "*", omittingEmptySubsequences: false).map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: "[^/]*")
        }
        pattern += "$"
        return try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    static func referenceMatches(_ rule: String, _ page: String) -> Bool {
        var path = page
        if let q = path.firstIndex(of: "?") { path = String(path[..<q]) }
        // Empty segments do not count: collapse runs of slashes as the rule does.
        while path.contains("//") { path = path.replacingOccurrences(of: "//", with: "/") }
        // A trailing slash does not count either: "/billing/" is "/billing".
        while path.hasSuffix("/") { path.removeLast() }
        let text = path
        return regex(rule).firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    @Test func pathRulesMatchLikeARegexBuiltByHand() throws {
        let rules = ["//*/billing/*", "//*/billing/**", "//*/billing", "//*/reports/*/edit", "//*/**/edit", "//*/user*", "//*/a*b/c",
                     "/settings/team", "//*", "//*/", "//*/**", "//*/Billing/Invoices/*", "//*/x/**/y/**"]
        var rng = SystemRandomNumberGenerator()
        let words = ["billing", "Billing", "invoices", "reports", "7", "edit", "users", "user", "ab", "axxb", "c", "settings", "team", "x", "y"]
        var paths = ["/", "", "/billing", "/billing/", "//billing//invoices", "/BILLING/INVOICES/9", "/users", "/user/1", "/x/y", "/x/1/y/2/3"]
        for _ in 0..<400 {
            paths.append("/" + (0..<Int.random(in: 0...5, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(separator: "/"))
        }
        for rule in rules {
            let parsed = try PageRule(rule)
            for path in paths {
                #expect(parsed.matches(path) == Self.referenceMatches(rule, path), "\(rule) on \(path)")
            }
        }
    }

    @Test func queryConditionsNeedTheParameterAndItsValue() throws {
        let present = try PageRule("//*/reports/*?tab")
        let valued = try PageRule("//*/reports/*?tab=chart&mode=*")
        #expect(present.matches("/reports/7?tab=table") && present.matches("/reports/7?x=1&tab") && !present.matches("/reports/7") && !present.matches("/reports/7?tabs=1"))
        #expect(valued.matches("/reports/7?mode=dark&tab=CHART") && !valued.matches("/reports/7?tab=chart") && !valued.matches("/reports/7?tab=table&mode=x"))
        #expect(try PageRule("//*/reports/*").matches("/reports/7?tab=chart"), "a rule without conditions ignores the query")
    }

    @Test(arguments: ["", "billing/*", "//app.example.com/billing", "//*/#/dashboard", "//*/a/**/b/**/c/**", "//*/x?=1",
                      "//*/" + String(repeating: "a/", count: 70), String(repeating: "x", count: 1_100)])
    func badRulesAreRefusedWithAReason(_ rule: String) {
        #expect(throws: PageRule.Invalid.self) { try PageRule(rule) }
    }
}
