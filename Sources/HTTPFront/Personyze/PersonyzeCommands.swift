import Actors
import Foundation
import Hummingbird
import Runtime

/// `POST /personyze/rest/do`: the seed's command list, `[[key type, key, command, args…], …]`.
/// Every command is checked before any applies, and all of them go in one edit, so a batch is
/// all or nothing; a bad command is a 400 naming it (`commands[2]`). Product and article
/// commands become events, `User profile` a profile change.
enum PersonyzeCommands {
    static let maxCommands = IngestLimits.maxBatchEvents
    static let productCommands = [
        "product viewed": "product_viewed", "product added to cart": "product_added", "product liked": "product_favorited",
        "product purchased": "product_purchased", "product removed from cart": "product_removed", "product unliked": "product_unfavorited",
    ]
    static let articleCommands = [
        "article viewed": "article_viewed", "article liked": "article_liked", "article commented": "article_commented",
        "article unliked": "article_unliked", "article goal": "article_goal",
    ]
    static let productOptions: Set<String> = ["quantity", "amount", "action_id", "transaction_time"]

    enum Action: Sendable {
        case profile([ProfileEdit.PropertyChange])
        case event(type: String, properties: [EventInput.Property])
    }
    struct Command: Sendable { var key: PersonyzeInteractionWrites.UserKey; var action: Action }

    static func parse(_ body: JSONValue) throws -> [Command] {
        guard let list = body.array else { throw APIError.badRequest(field: "body", "must be a JSON array of commands, each an array") }
        guard !list.isEmpty else { throw APIError.badRequest(field: "body", "holds no command") }
        guard list.count <= maxCommands else { throw APIError.badRequest(field: "body", "holds \(list.count) commands; at most \(maxCommands) are allowed") }
        return try list.enumerated().map { i, item in try command(item, field: "commands[\(i)]") }
    }

    static func text(_ value: JSONValue, field: String, maxBytes: Int = 320) throws -> String {
        guard let text = value.scalarText, !{ if case .bool = value { true } else { false } }(), (1...maxBytes).contains(text.utf8.count) else {
            throw APIError.badRequest(field: field, "must be a string or number of 1 to \(maxBytes) bytes")
        }
        return text
    }

    static func command(_ item: JSONValue, field: String) throws -> Command {
        guard let parts = item.array, parts.count >= 3 else { throw APIError.badRequest(field: field, "must be [key type, key, command, arguments…]") }
        guard let keyType = parts[0].string else { throw APIError.badRequest(field: "\(field)[0]", "must be user_id, internal_id or email") }
        let keyValue = try text(parts[1], field: "\(field)[1]")
        let key: PersonyzeInteractionWrites.UserKey
        switch keyType {
        case "user_id":
            guard let id = Int64(keyValue), id > 0 else { throw APIError.badRequest(field: "\(field)[1]", "must be a user_id (a whole number above 0)") }
            key = .userID(id)
        case "internal_id": key = .internalID(keyValue)
        case "email": key = .email(keyValue)
        default: throw APIError.badRequest(field: "\(field)[0]", "must be user_id, internal_id or email")
        }
        guard let name = parts[2].string else { throw APIError.badRequest(field: "\(field)[2]", "must be a command name") }
        let commandName = name.lowercased()
        let args = Array(parts.dropFirst(3))
        if commandName == "user profile" {
            guard !args.isEmpty, args.count % 2 == 0 else { throw APIError.badRequest(field: "\(field)[3]", "User profile takes field, value pairs") }
            var changes: [ProfileEdit.PropertyChange] = []
            for p in stride(from: 0, to: args.count, by: 2) {
                let at = "\(field)[\(p + 3)]"
                guard let column = args[p].string else { throw APIError.badRequest(field: at, "must be a field name") }
                do { try PersonyzeBody.checkColumn(column) } catch { throw APIError.badRequest(field: at, "'\(column.prefix(60))' is not a field name (letters, digits and _)") }
                if PersonyzeUserWrites.computed.contains(column) || column == "internal_id" { throw APIError.badRequest(field: at, "\(column) is kept by the server") }
                let cell = try PersonyzeBody.cell(args[p + 1], field: "\(field)[\(p + 4)]")
                changes.append(.init(column, cell?.text))
            }
            return Command(key: key, action: .profile(changes))
        }
        if let type = productCommands[commandName] {
            guard let sku = args.first else { throw APIError.badRequest(field: "\(field)[3]", "\(name) needs the product's SKU") }
            var properties: [EventInput.Property] = [.init("product_id", try text(sku, field: "\(field)[3]", maxBytes: 256))]
            let options = Array(args.dropFirst())
            guard options.count % 2 == 0 else { throw APIError.badRequest(field: "\(field)[\(3 + args.count)]", "options come as name, value pairs") }
            var seen: Set<String> = []
            for p in stride(from: 0, to: options.count, by: 2) {
                let at = "\(field)[\(p + 4)]"
                guard let option = options[p].string, productOptions.contains(option), seen.insert(option).inserted else {
                    throw APIError.badRequest(field: at, "must be one of quantity, amount, action_id, transaction_time, each once")
                }
                let value = options[p + 1]
                let number = PersonyzeBody.number(value)
                guard let number, number.isFinite, abs(number) < 1e15 else { throw APIError.badRequest(field: "\(field)[\(p + 5)]", "\(option) must be a number") }
                if option != "amount", number != number.rounded() || number < 0 { throw APIError.badRequest(field: "\(field)[\(p + 5)]", "\(option) must be a whole number") }
                properties.append(.init(option, option == "amount" ? (value.scalarText ?? String(number)) : String(Int64(number))))
            }
            return Command(key: key, action: .event(type: type, properties: properties))
        }
        if let type = articleCommands[commandName] {
            guard args.count == 1 else { throw APIError.badRequest(field: "\(field)[3]", "\(name) takes the article's internal_id alone") }
            return Command(key: key, action: .event(type: type, properties: [.init("article_id", try text(args[0], field: "\(field)[3]", maxBytes: 256))]))
        }
        throw APIError.badRequest(field: "\(field)[2]", "'\(name.prefix(60))' is not a command (User profile, Product viewed, … Article goal)")
    }

    static func run(_ request: Request, _ tenant: TenantActor, bodyLimit: Int) async throws -> Response {
        let buffer = try await request.body.collect(upTo: min(bodyLimit, 4 << 20))
        let commands = try parse(try PersonyzeBody.json(Data(buffer.readableBytesView)))
        try await PersonyzeWrites.commit(tenant) { state, now in
            var writes = PersonyzeEdit.UserWrites(nowMs: now)
            var made: [PersonyzeInteractionWrites.UserKey: String] = [:]
            for (i, command) in commands.enumerated() {
                let user = try PersonyzeInteractionWrites.resolve(command.key, field: "commands[\(i)][1]", state: state, nowMs: now, made: &made, writes: &writes)
                switch command.action {
                case .profile(let changes): writes.profiles.append(.init(user: user, changes: changes))
                case .event(let type, let properties): writes.events.append(EventInput(eventType: type, user: user, timestampMs: now, properties: properties))
                }
            }
            return .users(writes)
        }
        return Response(status: .ok)
    }
}
