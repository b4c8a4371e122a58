/// An arithmetic expression over series named A–Z: numbers, `+ - * /` (and `− × ÷`),
/// parentheses and unary minus. Evaluated point by point; a division by zero, or any operand
/// that is null, gives null.
public indirect enum MetricsFormula: Sendable, Equatable {
    case number(Double)
    /// Series by position: A is 0.
    case series(Int)
    case negate(MetricsFormula)
    case binary(Character, MetricsFormula, MetricsFormula)

    public struct ParseError: Error, Sendable, Equatable {
        public var message: String
    }

    public static let maxLength = 1000
    static let maxDepth = 64

    /// Parses `text`; `seriesCount` bounds the letters it may name.
    public init(_ text: String, seriesCount: Int) throws(ParseError) {
        guard text.utf8.count <= Self.maxLength else { throw ParseError(message: "is longer than \(Self.maxLength) bytes") }
        var parser = FormulaParser(text: Array(text), seriesCount: seriesCount)
        self = try parser.expression(depth: 0)
        parser.skipSpaces()
        guard parser.position == parser.text.count else { throw ParseError(message: "unexpected '\(parser.text[parser.position])' at \(parser.position + 1)") }
    }

    /// The value at one point, given each series' value there.
    public func value(_ series: [Double?]) -> Double? {
        switch self {
        case .number(let x): return x
        case .series(let i): return i < series.count ? series[i] : nil
        case .negate(let inner): return inner.value(series).map { -$0 }
        case .binary(let op, let l, let r):
            guard let a = l.value(series), let b = r.value(series) else { return nil }
            let result: Double
            switch op {
            case "+": result = a + b
            case "-": result = a - b
            case "*": result = a * b
            default:
                guard b != 0 else { return nil }
                result = a / b
            }
            return result.isFinite ? result : nil
        }
    }

    /// The series letters it names.
    public var seriesUsed: Set<Int> {
        switch self {
        case .number: return []
        case .series(let i): return [i]
        case .negate(let inner): return inner.seriesUsed
        case .binary(_, let l, let r): return l.seriesUsed.union(r.seriesUsed)
        }
    }
}

/// Recursive descent: expression = term (('+'|'-') term)*, term = factor (('*'|'/') factor)*,
/// factor = '-' factor | number | letter | '(' expression ')'. Depth is bounded, so a hostile
/// text cannot exhaust the stack.
struct FormulaParser {
    let text: [Character]
    let seriesCount: Int
    var position = 0

    init(text: [Character], seriesCount: Int) { self.text = text; self.seriesCount = seriesCount }

    mutating func skipSpaces() { while position < text.count, text[position].isWhitespace { position += 1 } }

    /// The operator at the cursor, read as ASCII.
    mutating func peekOperator(_ wanted: Set<Character>) -> Character? {
        skipSpaces()
        guard position < text.count else { return nil }
        let c: Character = switch text[position] { case "−": "-"; case "×": "*"; case "÷": "/"; default: text[position] }
        return wanted.contains(c) ? c : nil
    }

    mutating func expression(depth: Int) throws(MetricsFormula.ParseError) -> MetricsFormula {
        guard depth < MetricsFormula.maxDepth else { throw .init(message: "nests deeper than \(MetricsFormula.maxDepth) levels") }
        var left = try term(depth: depth)
        while let op = peekOperator(["+", "-"]) {
            position += 1
            left = .binary(op, left, try term(depth: depth))
        }
        return left
    }

    mutating func term(depth: Int) throws(MetricsFormula.ParseError) -> MetricsFormula {
        var left = try factor(depth: depth)
        while let op = peekOperator(["*", "/"]) {
            position += 1
            left = .binary(op, left, try factor(depth: depth))
        }
        return left
    }

    mutating func factor(depth: Int) throws(MetricsFormula.ParseError) -> MetricsFormula {
        guard depth < MetricsFormula.maxDepth else { throw .init(message: "nests deeper than \(MetricsFormula.maxDepth) levels") }
        skipSpaces()
        guard position < text.count else { throw .init(message: "ends where a number, a series letter or '(' was expected") }
        let c = text[position]
        if peekOperator(["-"]) != nil {
            position += 1
            return .negate(try factor(depth: depth + 1))
        }
        if c == "(" {
            position += 1
            let inner = try expression(depth: depth + 1)
            skipSpaces()
            guard position < text.count, text[position] == ")" else { throw .init(message: "misses a ')' for the '(' it opened") }
            position += 1
            return inner
        }
        if let ascii = c.asciiValue, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(ascii) {
            let index = Int(ascii - UInt8(ascii: "A"))
            guard index < seriesCount else { throw .init(message: "names series \(c), but only \(seriesCount) series are given") }
            position += 1
            return .series(index)
        }
        if c.isNumber || c == "." {
            let start = position
            while position < text.count, text[position].isNumber || text[position] == "." || text[position] == "e" || text[position] == "E" { position += 1 }
            guard let value = Double(String(text[start..<position])), value.isFinite else { throw .init(message: "has a malformed number at \(start + 1)") }
            return .number(value)
        }
        throw .init(message: "unexpected '\(c)' at \(position + 1)")
    }
}
