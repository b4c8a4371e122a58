import Foundation

/// The `useragent` operator's parse: a user-agent string into `name`, `version`, `os`,
/// `osVersion` and `device` (`desktop`, `mobile`, `tablet` or `bot`). Events that carry only a
/// browser name (Beacon's `browser` property) parse to that name with an empty version.
public enum PipelineUserAgent {
    /// Browser tokens, most specific first: Edge and Opera also say Chrome, Chrome also says Safari.
    static let browsers: [(token: String, name: String)] = [
        ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("Edge/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
        ("CriOS/", "Chrome"), ("FxiOS/", "Firefox"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Version/", "Safari"), ("MSIE ", "IE"), ("rv:", "IE"),
    ]
    static let bots = ["bot", "crawler", "spider", "slurp", "headless"]

    public static func parse(_ text: String) -> PipelineValue {
        let (name, version) = browser(text)
        let (os, osVersion) = system(text)
        return .object(["name": .string(name), "version": .string(version), "os": .string(os), "osVersion": .string(osVersion), "device": .string(device(text))])
    }

    static func browser(_ text: String) -> (String, String) {
        guard text.contains("/") || text.contains("MSIE") else {
            // A bare name ("Chrome") is taken as the browser.
            return (text.trimmingCharacters(), "")
        }
        for (token, name) in browsers {
            guard let range = text.range(of: token) else { continue }
            if token == "Version/", !text.contains("Safari") { continue }
            if token == "rv:", !text.contains("Trident/") { continue }
            return (name, majorMinor(text[range.upperBound...]))
        }
        if let slash = text.firstIndex(of: "/") { return (String(text[..<slash]), majorMinor(text[text.index(after: slash)...])) }
        return ("", "")
    }

    static func system(_ text: String) -> (String, String) {
        if let r = text.range(of: "Windows NT ") {
            let v = majorMinor(text[r.upperBound...])
            let names = ["10.0": "10", "6.3": "8.1", "6.2": "8", "6.1": "7", "6.0": "Vista", "5.1": "XP"]
            return ("Windows", names[v] ?? v)
        }
        if let r = text.range(of: "iPhone OS ") ?? text.range(of: "CPU OS ") { return ("iOS", dotted(text[r.upperBound...])) }
        if let r = text.range(of: "Android ") { return ("Android", majorMinor(text[r.upperBound...])) }
        if let r = text.range(of: "Mac OS X ") { return ("macOS", dotted(text[r.upperBound...])) }
        if text.contains("CrOS") { return ("Chrome OS", "") }
        if text.contains("Linux") { return ("Linux", "") }
        return ("", "")
    }

    static func device(_ text: String) -> String {
        let lower = text.lowercased()
        if bots.contains(where: lower.contains) { return "bot" }
        if text.contains("iPad") || text.contains("Tablet") || (text.contains("Android") && !text.contains("Mobile")) { return "tablet" }
        if text.contains("Mobile") || text.contains("iPhone") { return "mobile" }
        return "desktop"
    }

    /// `120.0.6099.71 Safari` → `120.0`.
    static func majorMinor(_ rest: Substring) -> String {
        let number = rest.prefix { $0.isNumber || $0 == "." }
        return number.split(separator: ".").prefix(2).joined(separator: ".")
    }

    /// `10_15_7)` → `10.15.7`.
    static func dotted(_ rest: Substring) -> String {
        String(rest.prefix { $0.isNumber || $0 == "_" || $0 == "." }).replacingUnderscores()
    }
}

private extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
    func replacingUnderscores() -> String { String(map { $0 == "_" ? "." : $0 }) }
}
