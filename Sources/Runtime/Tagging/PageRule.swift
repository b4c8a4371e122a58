/// One page rule in the seed's syntax: `//*/billing/*`. After `//` comes the host, which must
/// be `*` (Beacon keeps a page's path, not its host); then the path, where `*` matches any text
/// inside one segment and a `**` segment matches any number of segments; then optional
/// `?name` or `?name=value` conditions joined by `&`. Matching ignores ASCII case, empty
/// segments and a trailing slash, as Pendo's rules do.
public struct PageRule: Sendable, Equatable {
    public static let maxBytes = 1_024
    public static let maxSegments = 64

    public let source: String
    let segments: [[UInt8]]
    let conditions: [(name: [UInt8], value: [UInt8]?)]

    public struct Invalid: Error, Sendable, Equatable { public let reason: String }

    public init(_ source: String) throws(Invalid) {
        guard !source.isEmpty, source.utf8.count <= Self.maxBytes else { throw Invalid(reason: "must be 1 to \(Self.maxBytes) bytes") }
        var text = Array(source.utf8)
        guard text.first == UInt8(ascii: "/") else { throw Invalid(reason: "must start with // and a host of *, as in //*/billing/*") }
        guard !text.contains(UInt8(ascii: "#")) else { throw Invalid(reason: "has a # fragment: Beacon keeps page paths without fragments") }
        if text.starts(with: Array("//".utf8)) {
            text.removeFirst(2)
            let hostEnd = text.firstIndex(of: UInt8(ascii: "/")) ?? text.firstIndex(of: UInt8(ascii: "?")) ?? text.endIndex
            guard text[..<hostEnd].elementsEqual("*".utf8) else {
                throw Invalid(reason: "names the host '\(String(decoding: text[..<hostEnd], as: UTF8.self))': Beacon keeps page paths, not hosts, so the host must be *")
            }
            text.removeSubrange(..<hostEnd)
        }
        let queryStart = text.firstIndex(of: UInt8(ascii: "?"))
        let path = text[..<(queryStart ?? text.endIndex)]
        segments = path.split(separator: UInt8(ascii: "/")).map { Self.lowercased($0) }
        guard segments.count <= Self.maxSegments else { throw Invalid(reason: "has more than \(Self.maxSegments) path segments") }
        // Each `**` multiplies the ways to match: two keep every match quick.
        guard segments.filter({ $0.elementsEqual("**".utf8) }).count <= 2 else { throw Invalid(reason: "has more than two ** segments") }
        var conditions: [(name: [UInt8], value: [UInt8]?)] = []
        if let queryStart {
            for part in text[(queryStart + 1)...].split(separator: UInt8(ascii: "&")) {
                if let eq = part.firstIndex(of: UInt8(ascii: "=")) {
                    conditions.append((Self.lowercased(part[..<eq]), Self.lowercased(part[(eq + 1)...])))
                } else {
                    conditions.append((Self.lowercased(part), nil))
                }
            }
            guard conditions.allSatisfy({ !$0.name.isEmpty }) else { throw Invalid(reason: "has a query condition with no parameter name") }
        }
        self.conditions = conditions
        self.source = source
    }

    public static func == (a: PageRule, b: PageRule) -> Bool { a.source == b.source }

    static func lowercased<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
    }

    /// Whether a page as Beacon keeps it (its path, with any query string it was sent with) matches.
    public func matches(_ page: String) -> Bool {
        let bytes = Self.lowercased(page.utf8)
        let queryStart = bytes.firstIndex(of: UInt8(ascii: "?"))
        let pathEnd = queryStart ?? bytes.firstIndex(of: UInt8(ascii: "#")) ?? bytes.endIndex
        let parts = bytes[..<pathEnd].split(separator: UInt8(ascii: "/"))
        guard Self.matchSegments(segments[...], parts[...]) else { return false }
        guard !conditions.isEmpty else { return true }
        guard let queryStart else { return false }
        let queryEnd = bytes[queryStart...].firstIndex(of: UInt8(ascii: "#")) ?? bytes.endIndex
        let params = bytes[(queryStart + 1)..<queryEnd].split(separator: UInt8(ascii: "&")).map { pair -> (ArraySlice<UInt8>, ArraySlice<UInt8>?) in
            guard let eq = pair.firstIndex(of: UInt8(ascii: "=")) else { return (pair, nil) }
            return (pair[..<eq], pair[(eq + 1)...])
        }
        return conditions.allSatisfy { condition in
            params.contains { name, value in
                guard name.elementsEqual(condition.name) else { return false }
                guard let wanted = condition.value else { return true }
                return Self.glob(wanted[...], value ?? [][...])
            }
        }
    }

    /// The rule's segments against the page's, `**` taking any number of them.
    static func matchSegments(_ rule: ArraySlice<[UInt8]>, _ page: ArraySlice<ArraySlice<UInt8>>) -> Bool {
        guard let first = rule.first else { return page.isEmpty }
        if first.elementsEqual("**".utf8) {
            let rest = rule.dropFirst()
            return (page.startIndex...page.endIndex).contains { matchSegments(rest, page[$0...]) }
        }
        guard let segment = page.first, glob(first[...], segment) else { return false }
        return matchSegments(rule.dropFirst(), page.dropFirst())
    }

    /// `*` as any run of bytes, everything else literal: the classic greedy match with one
    /// backtrack point, linear in practice.
    static func glob(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex, t = text.startIndex
        var star: Int?, resume = text.startIndex
        while t < text.endIndex {
            if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
                star = p; p += 1; resume = t
            } else if p < pattern.endIndex, pattern[p] == text[t] {
                p += 1; t += 1
            } else if let s = star {
                p = s + 1; resume += 1; t = resume
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }
}
