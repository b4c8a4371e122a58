import Foundation

/// Maps a message to a question shape by rules: keywords for the intent, the period, a comparison,
/// and the event types, users and accounts it names (matched against the tenant's own names).
/// A follow-up that names only a period or a comparison reuses the chat's last question.
struct AskParser {
    /// The tenant's event types and account ids, to find names in the message.
    var eventTypes: [String]
    var accounts: Set<String>

    enum Outcome: Equatable {
        case understood(AskQuestion)
        /// Nothing maps; the closest shapes, best first.
        case suggestions([AskQuestion.Intent])
    }

    /// Lowercased words; `@`, `.`, `_`, `-` and `+` stay inside words (emails, event types).
    static func words(_ message: String) -> [String] {
        var cleaned = ""
        for ch in message.lowercased() {
            cleaned.append(ch.isLetter || ch.isNumber || "@._-+".contains(ch) ? ch : " ")
        }
        return cleaned.split(separator: " ").map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ".-")) }.filter { !$0.isEmpty }
    }

    /// Letters and digits only: "sign up", "sign_up" and "Signup" are one name.
    static func squashed(_ text: String) -> String { String(text.lowercased().filter { $0.isLetter || $0.isNumber }) }

    /// The event types the message names, in the order it names them (longest name first on overlap).
    func namedEventTypes(_ words: [String]) -> [String] {
        var found: [(position: Int, type: String)] = []
        let squashedWords = words.map(Self.squashed)
        for type in eventTypes {
            let target = Self.squashed(type)
            guard target.count >= 3 else { continue }
            // A name may span up to three words ("sign up", "feature x used").
            outer: for start in squashedWords.indices {
                var joined = ""
                for end in start..<min(squashedWords.count, start + 3) {
                    joined += squashedWords[end]
                    if joined == target || (joined == target + "s" && end == start) {
                        found.append((start, type)); break outer
                    }
                }
            }
        }
        let ordered = found.sorted { $0.position != $1.position ? $0.position < $1.position : $0.type.count > $1.type.count }
        var seenPositions = Set<Int>(), result: [String] = []
        for f in ordered where !seenPositions.contains(f.position) { seenPositions.insert(f.position); result.append(f.type) }
        return result
    }

    func parse(_ message: String, previous: AskQuestion?) -> Outcome {
        let words = Self.words(message)
        let text = " " + words.joined(separator: " ") + " "
        func has(_ any: String...) -> Bool { any.contains { text.contains(" \($0)") } }
        let period = AskPeriod.find(in: words)
        let compare = has("compare", "compared", "vs", "versus", "previous period", "than before", "than last", "change", "trend")
        let types = namedEventTypes(words)
        let email = words.first { $0.contains("@") && $0.contains(".") }
        let account = words.first { accounts.contains($0) } ?? words.indices.dropLast().first { words[$0] == "account" && accounts.contains(words[$0 + 1]) }.map { words[$0 + 1] }

        var intent: AskQuestion.Intent?
        var steps: [String] = []
        var subject: String?
        if has("funnel", "conver", "drop off", "dropoff", "from "), types.count >= 2 {
            intent = .funnel; steps = Array(types.prefix(8))
        } else if let email {
            intent = .userActivity; subject = email
        } else if has("declin", "dropping", "falling", "shrinking", "losing", "churn") && has("account", "compan", "customer", "who", "which") {
            intent = .decliningAccounts
        } else if has("unhealthy", "at risk", "risk", "health", "red ", "struggling", "in trouble") {
            intent = .unhealthyAccounts
        } else if let account {
            intent = .accountActivity; subject = account
        } else if has("page", "pages", "url", "screen") && has("top", "most", "popular", "view", "visit", "which", "what") {
            intent = .topPages
        } else if has("top event", "most common", "popular", "most frequent", "which events", "what events", "events do", "doing", "top actions", "most used") {
            intent = .topEvents
        } else if let type = types.first, has("how many", "count", "number", "times", "how often") || types.count == 1 && !has("user", "active") {
            intent = .eventCount; steps = [type]
        } else if has("active", "dau", "wau", "mau", "users", "visitors", "people", "how many") {
            intent = .activeUsers
        }

        if let intent {
            let defaultPeriod: AskPeriod = intent == .decliningAccounts || intent == .topPages || intent == .funnel ? .lastDays(30) : .lastDays(7)
            var p = period ?? defaultPeriod
            if period == nil, has("dau") { p = .today } else if period == nil, has("mau") { p = .lastDays(30) }
            return .understood(AskQuestion(intent: intent, period: p, compare: compare, eventTypes: steps, subject: subject))
        }
        // A follow-up: "and last month?", "compared to the week before?"
        if var last = previous, period != nil || compare {
            if let period { last.period = period }
            last.compare = compare || (period == nil && last.compare)
            return .understood(last)
        }
        return .suggestions(Self.closest(words))
    }

    /// The shapes whose example shares the most words with the message.
    static func closest(_ words: [String]) -> [AskQuestion.Intent] {
        let asked = Set(words.filter { $0.count > 2 })
        let scored = AskQuestion.Intent.allCases.map { intent in (intent, Set(Self.words(intent.example)).intersection(asked).count) }
        return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : AskQuestion.Intent.allCases.firstIndex(of: $0.0)! < AskQuestion.Intent.allCases.firstIndex(of: $1.0)! }
            .prefix(3).map(\.0)
    }
}
