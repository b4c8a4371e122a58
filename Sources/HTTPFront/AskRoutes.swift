import Actors
import Hummingbird
import Runtime

/// Ask (`POST /api/prody`, docs/ask.md): a plain-language question answered from the data by
/// rules, with the numbers, the API call that repeats it, and `"method": "rules"`.
struct AskRoutes {
    let chats = AskChats()

    func add(to router: Router<BeaconRequestContext>) {
        router.post("/api/prody", use: ask)
    }

    struct Tokens: Encodable { var used: Int; var remaining: Int; var limit: Int; var windowHours: Int }
    struct Period: Encodable { var start: String; var end: String; var days: Int }
    struct Suggestion: Encodable { var intent: String; var question: String }
    struct Answer: Encodable {
        var chatId: String; var method: String; var understood: Bool; var intent: String?
        var answer: String; var period: Period?; var data: AskAnswers.Data?; var queries: [AskAnswers.Query]
        var suggestions: [Suggestion]?; var tokens: Tokens
    }

    static let maxMessageCharacters = 2_000

    @Sendable func ask(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let fields = try WorkspaceRoutes.object(try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 16), allowed: ["message", "chat_id"])
        guard let message = fields["message"]?.string, !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest(field: "message", "is required: your question")
        }
        guard message.count <= Self.maxMessageCharacters else { throw APIError.badRequest(field: "message", "must be at most \(Self.maxMessageCharacters) characters") }
        var chatID: String?
        if let value = fields["chat_id"], !value.isNull {
            guard let text = value.string, (1...100).contains(text.count) else { throw APIError.badRequest(field: "chat_id", "must be a chat id from an earlier answer") }
            chatID = text
        }
        let now = tenant.now(), asked = AskChats.tokens(message)
        let previous: AskQuestion?
        do { previous = try chats.begin(tenant: tenant.id, chatID: chatID, tokens: asked, nowMs: now) } catch {
            switch error {
            case .unknownChat: throw APIError(.notFound, code: "not_found", message: "chat_id: no chat '\(chatID ?? "")'", field: "chat_id")
            case .chatFull: throw APIError(.conflict, code: "conflict", message: "chat_id: a chat holds \(AskChats.maxTurns) turns; start a new one", field: "chat_id")
            case .overBudget(let retry, let used):
                var answer = APIError(.tooManyRequests, code: "token_budget",
                                      message: "message: the \(AskChats.tokenBudget)-token budget for 24 hours is spent (\(used) used); try again in \(retry) s", field: "message")
                answer.headers[.retryAfter] = String(retry)
                throw answer
            }
        }
        let (eventTypes, accounts) = try await tenant.read { state in (state.eventTypeNames.strings, Set(state.accountNames.strings.map { $0.lowercased() })) }
        let outcome = AskParser(eventTypes: eventTypes, accounts: accounts).parse(message, previous: previous)
        var answer: Answer
        switch outcome {
        case .understood(var question):
            if question.intent == .accountActivity, let lower = question.subject {
                question.subject = try await tenant.read { $0.accountNames.strings.first { $0.lowercased() == lower } } ?? lower
            }
            let result = try await AskAnswers.answer(question, tenant: tenant)
            answer = Answer(chatId: "", method: "rules", understood: true, intent: question.intent.rawValue, answer: result.text,
                            period: Period(start: TenantCalendar.isoDate(result.range.first), end: TenantCalendar.isoDate(result.range.last), days: result.range.count),
                            data: result.data, queries: result.queries, suggestions: nil, tokens: Tokens(used: 0, remaining: 0, limit: 0, windowHours: 24))
            answer.chatId = chats.finish(tenant: tenant.id, chatID: chatID, question: question, tokens: asked + AskChats.tokens(result.text), nowMs: now)
        case .suggestions(let intents):
            let text = "I answer questions of a few shapes from your data, by rules (no language model runs here). This one I could not map; try one of these."
            answer = Answer(chatId: "", method: "rules", understood: false, intent: nil, answer: text, period: nil, data: nil, queries: [],
                            suggestions: intents.map { Suggestion(intent: $0.rawValue, question: $0.example) }, tokens: Tokens(used: 0, remaining: 0, limit: 0, windowHours: 24))
            answer.chatId = chats.finish(tenant: tenant.id, chatID: chatID, question: nil, tokens: asked + AskChats.tokens(text), nowMs: now)
        }
        let used = chats.used(tenant: tenant.id, nowMs: now)
        answer.tokens = Tokens(used: used, remaining: max(0, AskChats.tokenBudget - used), limit: AskChats.tokenBudget, windowHours: 24)
        return try JSONResponse.make(answer)
    }
}
