import Foundation
import Synchronization

/// Ask's conversations and token budget, per tenant, in the server's memory (docs/ask.md): a chat
/// keeps its last understood question for follow-ups; the budget counts the words asked and
/// answered over a rolling 24 hours. Both start over when the server restarts.
final class AskChats: Sendable {
    static let tokenBudget = 100_000
    static let windowMs: Int64 = 24 * 3_600_000
    static let maxChats = 10_000
    static let maxTurns = 50

    struct Chat {
        var tenant: String
        var last: AskQuestion?
        var turns: Int
        var updatedMs: Int64
    }

    struct State {
        var chats: [String: Chat] = [:]
        /// Per tenant, (time, tokens) spent, oldest first.
        var spent: [String: [(ms: Int64, tokens: Int)]] = [:]
    }

    private let state = Mutex(State())

    enum Refusal: Error {
        case unknownChat
        case chatFull
        /// The budget is spent; retry after this many seconds.
        case overBudget(retryAfterSeconds: Int, used: Int)
    }

    static func tokens(_ text: String) -> Int { text.split(whereSeparator: { $0.isWhitespace }).count }

    /// The tokens `tenant` spent in the 24 hours before `nowMs`.
    func used(tenant: String, nowMs: Int64) -> Int {
        state.withLock { s in Self.trimmed(&s, tenant: tenant, nowMs: nowMs) }
    }

    private static func trimmed(_ s: inout State, tenant: String, nowMs: Int64) -> Int {
        var list = s.spent[tenant] ?? []
        list.removeAll { $0.ms <= nowMs - windowMs }
        s.spent[tenant] = list
        return list.reduce(0) { $0 + $1.tokens }
    }

    /// Checks that `chatID` (if any) is the tenant's and has room, and that `tokens` fit the budget; returns the chat's last question.
    func begin(tenant: String, chatID: String?, tokens: Int, nowMs: Int64) throws(Refusal) -> AskQuestion? {
        try state.withLock { s throws(Refusal) -> AskQuestion? in
            let used = Self.trimmed(&s, tenant: tenant, nowMs: nowMs)
            if used + tokens > Self.tokenBudget {
                let list = s.spent[tenant] ?? []
                var freed = 0, retry = Self.windowMs
                for entry in list {
                    freed += entry.tokens
                    if used - freed + tokens <= Self.tokenBudget { retry = entry.ms + Self.windowMs - nowMs; break }
                }
                throw .overBudget(retryAfterSeconds: max(1, Int((retry + 999) / 1000)), used: used)
            }
            guard let chatID else { return nil }
            guard let chat = s.chats[chatID], chat.tenant == tenant else { throw .unknownChat }
            guard chat.turns < Self.maxTurns else { throw .chatFull }
            return chat.last
        }
    }

    /// Records a turn: the tokens spent, and the chat's question (a new chat when `chatID` is nil). Returns the chat id.
    func finish(tenant: String, chatID: String?, question: AskQuestion?, tokens: Int, nowMs: Int64) -> String {
        state.withLock { s in
            s.spent[tenant, default: []].append((nowMs, tokens))
            let id = chatID ?? "chat_" + (0..<12).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            var chat = s.chats[id] ?? Chat(tenant: tenant, last: nil, turns: 0, updatedMs: nowMs)
            if let question { chat.last = question }
            chat.turns += 1; chat.updatedMs = nowMs
            s.chats[id] = chat
            if s.chats.count > Self.maxChats, let oldest = s.chats.min(by: { $0.value.updatedMs < $1.value.updatedMs })?.key { s.chats[oldest] = nil }
            return id
        }
    }
}
