import Testing
@testable import Runtime

/// The formula language: precedence, unary minus, null on division by zero, bounded depth, and
/// clear refusals; lines combined by breakdown value.
@Suite struct MetricsFormulaTests {
    @Test(arguments: [
        ("A / B", [6.0, 3.0], 2.0),
        ("A + B * 2", [1, 2], 5),
        ("(A + B) * 2", [1, 2], 6),
        ("-A + 10", [4, 0], 6),
        ("A − B × 2 ÷ 4", [10, 4], 8),
        ("--A", [3, 0], 3),
        ("100 * A / (A + B)", [1, 3], 25),
        ("2.5 * A", [2, 0], 5),
        ("A - B - 1", [10, 3], 6),
        ("A / B / 2", [8, 2], 2),
    ] as [(String, [Double], Double)])
    func evaluates(text: String, series: [Double], expected: Double) throws {
        let formula = try MetricsFormula(text, seriesCount: 2)
        #expect(formula.value(series) == expected, "\(text)")
    }

    @Test func divisionByZeroAndNullOperandsAreNull() throws {
        #expect(try MetricsFormula("A / B", seriesCount: 2).value([1, 0]) == nil)
        #expect(try MetricsFormula("A / (B - B)", seriesCount: 2).value([1, 5]) == nil)
        #expect(try MetricsFormula("A + B", seriesCount: 2).value([1, nil]) == nil)
        #expect(try MetricsFormula("A * 0", seriesCount: 1).value([nil]) == nil)
    }

    @Test(arguments: ["", "A +", "A B", "(A", "A)", "C", "a", "1..2", "A % B", "A ^ 2", "1e", String(repeating: "(", count: 70) + "A" + String(repeating: ")", count: 70), String(repeating: "-", count: 100) + "A", String(repeating: "A+", count: 600) + "A"])
    func refusesWithAReason(text: String) {
        #expect(throws: MetricsFormula.ParseError.self) { try MetricsFormula(text, seriesCount: 2) }
    }

    @Test func linesCombineByBreakdownValue() throws {
        let formula = try MetricsFormula("A / B", seriesCount: 2)
        let a = [MetricsSeries(dimension: .value("US"), values: [4, 6], total: 10), MetricsSeries(dimension: .value("DE"), values: [1, 0], total: 1)]
        let b = [MetricsSeries(dimension: .all, values: [2, 3], total: 5)]
        let lines = TenantState.applyFormula(formula, to: [a, b], width: 2)
        #expect(lines.map(\.dimension) == [.value("US"), .value("DE")])
        #expect(lines.map(\.values) == [[2, 2], [0.5, 0]])
        // A line one input lacks counts 0 there.
        let c = [MetricsSeries(dimension: .value("US"), values: [1, 1], total: 2)]
        let mixed = TenantState.applyFormula(try MetricsFormula("A + B", seriesCount: 2), to: [a, c], width: 2)
        #expect(mixed.map(\.values) == [[5, 7], [1, 0]])
    }
}
