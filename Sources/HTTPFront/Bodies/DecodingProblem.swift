/// What a `DecodingError` says about its input, in the API's words: the path of the field at fault
/// (`steps[2].event_type`, empty for the whole document) and what is wrong with it.
struct DecodingProblem: Sendable {
    var path: String
    var message: String
    /// The document itself is not JSON.
    var isSyntax = false

    init(_ error: DecodingError) {
        switch error {
        case .typeMismatch(let type, let context):
            self.init(path: context.codingPath, message: "must be \(Self.describe(type))")
        case .valueNotFound(_, let context):
            self.init(path: context.codingPath, message: "is required")
        case .keyNotFound(let key, let context):
            self.init(path: context.codingPath + [key], message: "is required")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            self.init(path: [], message: "is not valid JSON")
            isSyntax = true
        case .dataCorrupted(let context):
            self.init(path: context.codingPath, message: "is not valid: \(context.debugDescription)")
        @unknown default:
            self.init(path: [], message: "is not valid JSON")
            isSyntax = true
        }
    }

    private init(path: [any CodingKey], message: String) {
        self.path = Self.text(path)
        self.message = message
    }

    /// `a.b[2].c`. Array positions are keys with an `intValue` whose name is not those digits;
    /// a dictionary key "5" has `intValue` 5 as well.
    static func text(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue, key.stringValue != String(index) {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    /// The expected type as a client would say it.
    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is any FixedWidthInteger.Type: "an integer"
        case is any BinaryFloatingPoint.Type: "a number"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default: "a \(type)"
        }
    }
}
