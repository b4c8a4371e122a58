/// Parses the seed's expression syntax: C precedence, `"…"` and backtick strings, dotted field
/// names, function calls, `[…]` lists, `l[i]` and `l[a:b]`. Errors carry the 1-based column.
public struct PipelineExpressionParser {
    public struct Failure: Error, Equatable, Sendable {
        public var column: Int
        public var message: String
    }

    private let bytes: [UInt8]
    private var position = 0
    /// Nesting guard: a hostile expression must not exhaust the stack.
    private var depth = 0
    static let maximumDepth = 64
    static let maximumLength = 10_000

    public static func parse(_ text: String) throws(Failure) -> PipelineExpression {
        guard text.utf8.count <= maximumLength else { throw Failure(column: 1, message: "is longer than \(maximumLength) bytes") }
        var parser = PipelineExpressionParser(bytes: Array(text.utf8))
        parser.skipSpace()
        guard !parser.atEnd else { throw Failure(column: 1, message: "is empty") }
        let expression = try parser.binary(minimum: 1)
        parser.skipSpace()
        guard parser.atEnd else { throw parser.failure("unexpected \(parser.describeNext())") }
        return expression
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private var atEnd: Bool { position >= bytes.count }
    private var next: UInt8? { position < bytes.count ? bytes[position] : nil }
    private func peek(_ offset: Int) -> UInt8? { position + offset < bytes.count ? bytes[position + offset] : nil }

    private func failure(_ message: String, at column: Int? = nil) -> Failure {
        Failure(column: (column ?? position) + 1, message: message)
    }

    private func describeNext() -> String {
        guard let c = next else { return "end of expression" }
        return "'\(String(decoding: [c], as: UTF8.self))'"
    }

    private mutating func skipSpace() {
        while let c = next, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { position += 1 }
    }

    private mutating func binaryOperator() -> PipelineExpression.BinaryOperator? {
        guard let c = next else { return nil }
        let two = peek(1)
        switch c {
        case UInt8(ascii: "*"): return .multiply
        case UInt8(ascii: "/"): return .divide
        case UInt8(ascii: "%"): return .remainder
        case UInt8(ascii: "+"): return .add
        case UInt8(ascii: "-"): return .subtract
        case UInt8(ascii: "<"): return two == UInt8(ascii: "=") ? .lessOrEqual : .less
        case UInt8(ascii: ">"): return two == UInt8(ascii: "=") ? .greaterOrEqual : .greater
        case UInt8(ascii: "="): return two == UInt8(ascii: "=") ? .equal : nil
        case UInt8(ascii: "!"): return two == UInt8(ascii: "=") ? .notEqual : nil
        case UInt8(ascii: "&"): return two == UInt8(ascii: "&") ? .and : nil
        case UInt8(ascii: "|"): return two == UInt8(ascii: "|") ? .or : nil
        default: return nil
        }
    }

    /// Precedence climbing over the binary operators, left-associative.
    private mutating func binary(minimum: Int) throws(Failure) -> PipelineExpression {
        var left = try unary()
        while true {
            skipSpace()
            let start = position
            guard let op = binaryOperator() else {
                if next == UInt8(ascii: "=") { throw failure("'=' is not an operator: compare with '=='") }
                if next == UInt8(ascii: "&") || next == UInt8(ascii: "|") { throw failure("use '&&' or '||'") }
                return left
            }
            guard op.precedence >= minimum else { return left }
            position = start + op.rawValue.utf8.count
            let right = try binary(minimum: op.precedence + 1)
            left = .binary(op, left, right)
        }
    }

    private mutating func unary() throws(Failure) -> PipelineExpression {
        skipSpace()
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw failure("nests deeper than \(Self.maximumDepth) levels") }
        if next == UInt8(ascii: "!"), peek(1) != UInt8(ascii: "=") {
            position += 1
            return .unary(.not, try unary())
        }
        if next == UInt8(ascii: "-") {
            position += 1
            let operand = try unary()
            if case .literal(.number(let n)) = operand { return .literal(.number(-n)) }
            return .unary(.negate, operand)
        }
        return try postfix(try primary())
    }

    private mutating func postfix(_ base: PipelineExpression) throws(Failure) -> PipelineExpression {
        var value = base
        while true {
            skipSpace()
            guard next == UInt8(ascii: "[") else { return value }
            position += 1
            skipSpace()
            var start: PipelineExpression?
            if next != UInt8(ascii: ":") { start = try binary(minimum: 1) }
            skipSpace()
            if next == UInt8(ascii: ":") {
                position += 1
                skipSpace()
                var end: PipelineExpression?
                if next != UInt8(ascii: "]") { end = try binary(minimum: 1) }
                try expect("]")
                value = .slice(value, start, end)
            } else {
                try expect("]")
                guard let index = start else { throw failure("an index is missing") }
                value = .index(value, index)
            }
        }
    }

    private mutating func expect(_ character: Character) throws(Failure) {
        skipSpace()
        guard next == character.asciiValue else { throw failure("expected '\(character)', found \(describeNext())") }
        position += 1
    }

    private mutating func primary() throws(Failure) -> PipelineExpression {
        skipSpace()
        guard let c = next else { throw failure("an operand is missing at the end") }
        switch c {
        case UInt8(ascii: "("):
            position += 1
            let inner = try binary(minimum: 1)
            try expect(")")
            return inner
        case UInt8(ascii: "["):
            position += 1
            var items: [PipelineExpression] = []
            skipSpace()
            if next == UInt8(ascii: "]") { position += 1; return .list(items) }
            while true {
                items.append(try binary(minimum: 1))
                skipSpace()
                if next == UInt8(ascii: ",") { position += 1; continue }
                try expect("]")
                return .list(items)
            }
        case UInt8(ascii: "\""), UInt8(ascii: "`"):
            return .literal(.string(try stringLiteral(quote: c)))
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."):
            return .literal(.number(try numberLiteral()))
        default:
            guard Self.startsName(c) else { throw failure("unexpected \(describeNext())") }
            return try nameOrCall()
        }
    }

    static func startsName(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "$")
    }

    static func continuesName(_ c: UInt8) -> Bool { startsName(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: ".") }

    private mutating func nameOrCall() throws(Failure) -> PipelineExpression {
        let start = position
        while let c = next, Self.continuesName(c) { position += 1 }
        let name = String(decoding: bytes[start..<position], as: UTF8.self)
        guard !name.hasSuffix("."), !name.contains("..") else { throw failure("'\(name)' is not a field name", at: start) }
        skipSpace()
        if next == UInt8(ascii: "(") {
            guard let function = PipelineFunction(rawValue: name) else { throw failure("'\(name)' is not a function", at: start) }
            position += 1
            var arguments: [PipelineExpression] = []
            skipSpace()
            if next == UInt8(ascii: ")") { position += 1 } else {
                while true {
                    arguments.append(try binary(minimum: 1))
                    skipSpace()
                    if next == UInt8(ascii: ",") { position += 1; continue }
                    try expect(")")
                    break
                }
            }
            guard function.arity.contains(arguments.count) else {
                let range = function.arity
                let wanted = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
                throw failure("\(name) takes \(wanted) arguments, not \(arguments.count)", at: start)
            }
            return .call(function, arguments)
        }
        switch name {
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        case "null", "nil": return .literal(.null)
        default: return .field(FieldPath(name))
        }
    }

    private mutating func stringLiteral(quote: UInt8) throws(Failure) -> String {
        let start = position
        position += 1
        var out: [UInt8] = []
        while let c = next {
            position += 1
            if c == quote { return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\\"), quote == UInt8(ascii: "\""), let escaped = next {
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                default: out.append(escaped)
                }
                continue
            }
            out.append(c)
        }
        throw failure("the string is not closed", at: start)
    }

    private mutating func numberLiteral() throws(Failure) -> Double {
        let start = position
        while let c = next, (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
            || ((c == UInt8(ascii: "+") || c == UInt8(ascii: "-")) && (bytes[position - 1] == UInt8(ascii: "e") || bytes[position - 1] == UInt8(ascii: "E"))) {
            position += 1
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw failure("'\(text)' is not a number", at: start) }
        return value
    }
}
