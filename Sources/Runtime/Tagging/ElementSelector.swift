/// A feature's element rule: a CSS selector list (`#checkout > button.buy, [data-beacon="export"]`)
/// matched against the element path a click recorded (its `selector` property, as Beacon's
/// tracker writes it: compounds joined by ` > `, from an ancestor with an id down to the
/// element). Compounds take a tag or `*`, `#id`, `.class`, `[attr]`, `[attr=value]` (quoted or
/// not) and `:nth-of-type(n)`/`:nth-child(n)`; combinators are descendant (space) and child
/// (`>`). The recorded path knows only the ancestors it lists, so a rule that needs more fails.
public struct ElementSelector: Sendable, Equatable {
    public static let maxBytes = 1_024
    public static let maxCompounds = 32

    struct Compound: Equatable, Sendable {
        var tag: String?
        var id: String?
        var classes: [String] = []
        var attributes: [(name: String, value: String?)] = []
        var pseudos: [String] = []
        /// Whether this compound must be the parent of the next one (`>`), or any ancestor.
        var childOfNext = false

        static func == (a: Compound, b: Compound) -> Bool {
            a.tag == b.tag && a.id == b.id && a.classes == b.classes && a.pseudos == b.pseudos && a.childOfNext == b.childOfNext
                && a.attributes.map(\.name) == b.attributes.map(\.name) && a.attributes.map(\.value) == b.attributes.map(\.value)
        }

        /// Whether an element as recorded has everything this compound asks for.
        func accepts(_ element: Compound) -> Bool {
            if let tag, tag != "*", element.tag != tag { return false }
            if let id, element.id != id { return false }
            if !classes.allSatisfy(element.classes.contains) { return false }
            if !pseudos.allSatisfy(element.pseudos.contains) { return false }
            return attributes.allSatisfy { wanted in
                element.attributes.contains { $0.name == wanted.name && (wanted.value == nil || $0.value == wanted.value) }
            }
        }
    }

    public let source: String
    /// Each alternative of the list, its compounds from the outermost to the element.
    let alternatives: [[Compound]]

    public struct Invalid: Error, Sendable, Equatable { public let reason: String }

    public init(_ source: String) throws(Invalid) {
        guard !source.isEmpty, source.utf8.count <= Self.maxBytes else { throw Invalid(reason: "must be 1 to \(Self.maxBytes) bytes") }
        var parser = Parser(Array(source.unicodeScalars))
        alternatives = try parser.list()
        guard alternatives.reduce(0, { $0 + $1.count }) <= Self.maxCompounds else { throw Invalid(reason: "has more than \(Self.maxCompounds) compound selectors") }
        self.source = source
    }

    public static func == (a: ElementSelector, b: ElementSelector) -> Bool { a.source == b.source }

    /// The longest recorded path read: longer ones (no tracker writes them) match nothing.
    public static let maxRecordedCompounds = 64

    /// Whether a recorded element path matches; an unreadable path matches nothing.
    public func matches(recordedPath: String) -> Bool {
        guard recordedPath.utf8.count <= 8 * Self.maxBytes else { return false }
        var parser = Parser(Array(recordedPath.unicodeScalars))
        guard let chains = try? parser.list(), chains.count == 1, let chain = chains.first, chain.count <= Self.maxRecordedCompounds else { return false }
        return alternatives.contains { Self.match($0, chain) }
    }

    /// Right to left: the last compound is the element itself; a child compound is the element
    /// just before, a descendant one any element before. `known[r][p]` remembers whether the
    /// rule's first r compounds match with the r-th on path element p-1, so no pair is tried twice.
    static func match(_ rule: [Compound], _ path: [Compound]) -> Bool {
        var known = [[Bool?]](repeating: [Bool?](repeating: nil, count: path.count + 1), count: rule.count + 1)
        func ends(_ r: Int, at p: Int) -> Bool {   // rule[..<r] matches with rule[r-1] on path[p-1]
            if let done = known[r][p] { return done }
            var ok = false
            if p > 0, rule[r - 1].accepts(path[p - 1]) {
                if r == 1 { ok = true } else if rule[r - 2].childOfNext { ok = ends(r - 1, at: p - 1) } else { ok = (1..<p).contains { ends(r - 1, at: $0) } }
            }
            known[r][p] = ok
            return ok
        }
        return ends(rule.count, at: path.count)
    }

    struct Parser {
        let text: [Unicode.Scalar]
        var i = 0
        init(_ text: [Unicode.Scalar]) { self.text = text }

        static func isNameScalar(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == "_" || c.value > 0x7f
        }

        mutating func skipSpaces() -> Bool {
            let start = i
            while i < text.count, text[i].properties.isWhitespace { i += 1 }
            return i > start
        }

        mutating func list() throws(Invalid) -> [[Compound]] {
            var out: [[Compound]] = [try chain()]
            while i < text.count, text[i] == "," { i += 1; out.append(try chain()) }
            guard i == text.count else { throw Invalid(reason: "has '\(text[i])' at column \(i + 1) where a selector was expected") }
            return out
        }

        mutating func chain() throws(Invalid) -> [Compound] {
            _ = skipSpaces()
            var compounds = [try compound()]
            while i < text.count, text[i] != "," {
                let spaced = skipSpaces()
                guard i < text.count, text[i] != "," else { break }
                if text[i] == ">" {
                    i += 1; _ = skipSpaces()
                    compounds[compounds.count - 1].childOfNext = true
                } else if !spaced {
                    throw Invalid(reason: "has '\(text[i])' at column \(i + 1): only descendant (space) and child (>) combinators are supported")
                }
                compounds.append(try compound())
            }
            return compounds
        }

        mutating func name(_ what: String) throws(Invalid) -> String {
            let start = i
            while i < text.count, Self.isNameScalar(text[i]) { i += 1 }
            guard i > start else { throw Invalid(reason: "needs \(what) at column \(start + 1)") }
            return String(String.UnicodeScalarView(text[start..<i]))
        }

        mutating func compound() throws(Invalid) -> Compound {
            var c = Compound()
            let start = i
            if i < text.count, text[i] == "*" { c.tag = "*"; i += 1 } else if i < text.count, Self.isNameScalar(text[i]) { c.tag = try name("a tag").lowercased() }
            while i < text.count {
                switch text[i] {
                case "#": i += 1; c.id = try name("an id")
                case ".": i += 1; c.classes.append(try name("a class"))
                case "[": i += 1; c.attributes.append(try attribute())
                case ":":
                    i += 1
                    let pseudo = try name("a pseudo-class")
                    guard pseudo == "nth-of-type" || pseudo == "nth-child", i < text.count, text[i] == "(" else {
                        throw Invalid(reason: "has :\(pseudo): only :nth-of-type(n) and :nth-child(n) are supported")
                    }
                    i += 1
                    let n = try name("a number")
                    guard Int(n) != nil, i < text.count, text[i] == ")" else { throw Invalid(reason: ":\(pseudo) needs a number in parentheses") }
                    i += 1
                    c.pseudos.append("\(pseudo)(\(n))")
                default:
                    guard i > start else { throw Invalid(reason: "needs a selector at column \(i + 1)") }
                    return c
                }
            }
            guard i > start else { throw Invalid(reason: "ends where a selector was expected") }
            return c
        }

        mutating func attribute() throws(Invalid) -> (name: String, value: String?) {
            _ = skipSpaces()
            let attr = try name("an attribute name").lowercased()
            _ = skipSpaces()
            guard i < text.count else { throw Invalid(reason: "has an unclosed [") }
            if text[i] == "]" { i += 1; return (attr, nil) }
            guard text[i] == "=" else { throw Invalid(reason: "has '\(text[i])' at column \(i + 1): only [attr] and [attr=value] are supported") }
            i += 1; _ = skipSpaces()
            var value = ""
            if i < text.count, text[i] == "\"" || text[i] == "'" {
                let quote = text[i]; i += 1
                let start = i
                while i < text.count, text[i] != quote { i += 1 }
                guard i < text.count else { throw Invalid(reason: "has an unclosed quote") }
                value = String(String.UnicodeScalarView(text[start..<i])); i += 1
            } else {
                value = try name("an attribute value")
            }
            _ = skipSpaces()
            guard i < text.count, text[i] == "]" else { throw Invalid(reason: "has an unclosed [") }
            i += 1
            return (attr, value)
        }
    }
}
