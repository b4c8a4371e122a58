import Foundation
import Runtime

/// One JSON object of an SDK's request, read field by field; every refusal is a 400 naming the
/// field by its path in the request (`batch[3].timestamp`).
struct SDKObject {
    let fields: [String: JSONValue]
    let path: String

    init(_ value: JSONValue?, path: String) throws {
        guard let fields = value?.object else { throw APIError.badRequest(field: path.isEmpty ? "body" : path, "must be a JSON object") }
        self.fields = fields; self.path = path
    }

    init(fields: [String: JSONValue], path: String) { self.fields = fields; self.path = path }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    subscript(key: String) -> JSONValue? { fields[key].flatMap { $0.isNull ? nil : $0 } }

    /// Text or a number (SDKs send ids as either); empty text counts as absent.
    func text(_ key: String) throws -> String? {
        guard let value = self[key] else { return nil }
        guard let text = value.scalarText else { throw APIError.badRequest(field: name(key), "must be a string or a number") }
        guard text.utf8.count <= IngestLimits.maxFieldBytes else {
            throw APIError.badRequest(field: name(key), "is longer than \(IngestLimits.maxFieldBytes) bytes")
        }
        return text.isEmpty ? nil : text
    }

    func requiredText(_ key: String) throws -> String {
        guard let text = try text(key) else { throw APIError.badRequest(field: name(key), "is required") }
        return text
    }

    func object(_ key: String) throws -> SDKObject? {
        guard let value = self[key] else { return nil }
        return try SDKObject(value, path: name(key))
    }

    func array(_ key: String) throws -> [JSONValue]? {
        guard let value = self[key] else { return nil }
        guard let items = value.array else { throw APIError.badRequest(field: name(key), "must be an array") }
        return items
    }

    /// ISO-8601 text or epoch milliseconds.
    func isoTime(_ key: String) throws -> Int64? {
        guard let value = self[key] else { return nil }
        if let text = value.string { return try TimeInput.instant(text, field: name(key)) }
        return try epochTime(key, secondsBelow: 0)
    }

    /// A number of epoch milliseconds, or of seconds when below `secondsBelow` (Mixpanel sends
    /// seconds, newer libraries milliseconds); ISO-8601 text is taken too.
    func epochTime(_ key: String, secondsBelow: Double) throws -> Int64? {
        guard let value = self[key] else { return nil }
        let number: Double
        switch value {
        case .integer(let whole): number = Double(whole)
        case .number(let real): number = real
        case .string(let text): return try TimeInput.instant(text, field: name(key))
        default: throw APIError.badRequest(field: name(key), "must be epoch milliseconds or ISO-8601 text")
        }
        let ms = number < secondsBelow ? number * 1000 : number
        guard ms.isFinite, abs(ms) < 9.0e15 else { throw APIError.badRequest(field: name(key), "must be \(SupportedTime.spanText)") }
        return try TimeInput.checked(Int64(ms), field: name(key))
    }

    /// The scalar fields of `key` as event properties; null, nested objects and arrays are left
    /// out (Beacon's properties are flat text), as are the keys `skip` names.
    func properties(_ key: String, skip: (String) -> Bool = { _ in false }) throws -> [EventInput.Property] {
        guard let object = try object(key) else { return [] }
        return try object.scalarProperties(skip: skip)
    }

    func scalarProperties(skip: (String) -> Bool = { _ in false }) throws -> [EventInput.Property] {
        var properties: [EventInput.Property] = []
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) where !skip(key) {
            guard let text = value.scalarText else { continue }
            try SDKObject.checkProperty(key, text, at: name(key))
            properties.append(.init(key, text))
        }
        try Self.checkPropertyCount(properties.count, at: path)
        return properties
    }

    /// At most `maxProperties` per event, as on the native route.
    static func checkPropertyCount(_ count: Int, at field: String) throws {
        guard count <= maxProperties else {
            throw APIError.badRequest(field: field, "holds \(count) properties; at most \(maxProperties) are kept per event")
        }
    }

    /// The first value among the fields in name order (an SDK's groups: the event's account);
    /// every field must be text or a number.
    func firstTextInNameOrder() throws -> String? {
        try fields.keys.sorted().compactMap { try text($0) }.first
    }

    /// Property changes from an SDK's profile operations: the objects named `operations` in turn
    /// (a later one wins: `$set` over `$set_once`), then the keys `removed`; the last change of
    /// each key is kept.
    func setOperations(_ operations: [String], removing removed: [String]) throws -> [ProfileEdit.PropertyChange] {
        var changes: [ProfileEdit.PropertyChange] = []
        for operation in operations {
            if let set = try object(operation) { changes += try set.propertyChanges() }
        }
        changes += removed.map { ProfileEdit.PropertyChange($0, nil) }
        var seen = Set<String>()
        return changes.reversed().filter { seen.insert($0.key).inserted }.reversed()
    }

    /// Profile properties to set: scalars as text, null removes the key; nested values are left out.
    func propertyChanges(skip: (String) -> Bool = { _ in false }) throws -> [ProfileEdit.PropertyChange] {
        var changes: [ProfileEdit.PropertyChange] = []
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) where !skip(key) {
            if value.isNull { changes.append(.init(key, nil)); continue }
            guard let text = value.scalarText else { continue }
            try SDKObject.checkProperty(key, text, at: name(key))
            changes.append(.init(key, text))
        }
        guard changes.count <= ProfileEditing.maxProperties else {
            throw APIError.badRequest(field: path, "sets \(changes.count) properties; at most \(ProfileEditing.maxProperties) at once")
        }
        return changes
    }

    static let maxProperties = 64

    static func checkProperty(_ key: String, _ value: String, at field: String) throws {
        guard !key.isEmpty, key.utf8.count <= 256 else { throw APIError.badRequest(field: field, "property names must be 1 to 256 bytes") }
        guard value.utf8.count <= IngestLimits.maxFieldBytes else {
            throw APIError.badRequest(field: field, "is longer than \(IngestLimits.maxFieldBytes) bytes")
        }
    }

    /// The path of a URL ("https://x.io/a/b?c" → "/a/b"); text that is not a URL is kept as it is.
    static func pagePath(_ url: String) -> String {
        guard let components = URLComponents(string: url), components.host != nil else { return url }
        return components.path.isEmpty ? "/" : components.path
    }
}
