/// A failure to parse or run a pipeline, located: `stage` is the path of stage indexes (an
/// inner pipeline's stage after its outer one), `field` the JSON key, `column` where in an
/// expression it failed.
public struct PipelineError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case invalid
        /// A source or stage Beacon does not serve (Listen, email).
        case notSupported
        /// The output cap was reached.
        case tooLarge
        /// The time budget ran out.
        case tooSlow
        /// A segment, visitor or object the pipeline names does not exist.
        case notFound
    }
    public var kind: Kind
    public var stage: [Int]
    public var field: String?
    public var column: Int?
    public var message: String

    public init(_ kind: Kind = .invalid, stage: [Int], field: String? = nil, column: Int? = nil, _ message: String) {
        self.kind = kind; self.stage = stage; self.field = field; self.column = column; self.message = message
    }

    /// `request.pipeline[2].filter` (an inner pipeline's stages as `.pipeline[i]` after the outer).
    public var location: String {
        var text = "request.pipeline"
        for (n, index) in stage.enumerated() { text += n == 0 ? "[\(index)]" : ".pipeline[\(index)]" }
        if let field { text += ".\(field)" }
        return text
    }

    public var description: String { column.map { "\(message) (column \($0))" } ?? message }
}
