/// A value in an aggregation pipeline (docs/pendo.md): JSON's shapes, with every number a
/// `Double`, as the seed's expression language computes ("all numbers are converted to floats").
public enum PipelineValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([PipelineValue])
    case object([String: PipelineValue])

    public init(_ number: Int) { self = .number(Double(number)) }
    public init(_ number: Int64) { self = .number(Double(number)) }
    public init(_ text: String?) { self = text.map(PipelineValue.string) ?? .null }

    public var isNull: Bool { if case .null = self { true } else { false } }
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var number: Double? { if case .number(let n) = self { n } else { nil } }
    public var list: [PipelineValue]? { if case .list(let l) = self { l } else { nil } }
    public var object: [String: PipelineValue]? { if case .object(let o) = self { o } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }

    /// The number as a whole `Int` when it is one and fits.
    public var integer: Int? {
        guard let n = number, n.rounded() == n, abs(n) < 9.0e15 else { return nil }
        return Int(n)
    }

    /// The value at a dotted path (`metadata.auto.accountId`); null where any step is missing.
    public subscript(path path: FieldPath) -> PipelineValue {
        var value = self
        for key in path.keys {
            guard case .object(let fields) = value, let next = fields[key] else { return .null }
            value = next
        }
        return value
    }

    /// Sets the value at a dotted path, making the objects on the way.
    public mutating func set(_ path: FieldPath, _ newValue: PipelineValue) {
        Self.set(&self, path.keys[...], newValue)
    }

    private static func set(_ target: inout PipelineValue, _ keys: ArraySlice<String>, _ newValue: PipelineValue) {
        guard let key = keys.first else { target = newValue; return }
        var fields = target.object ?? [:]
        target = .null   // drop the reference so the dictionary below is changed in place
        var child = fields.removeValue(forKey: key) ?? .null
        set(&child, keys.dropFirst(), newValue)
        fields[key] = child
        target = .object(fields)
    }

    /// The seed's type names, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .list: "list"
        case .object: "object"
        }
    }
}

/// A dotted field name split into its keys (`userAgent.name` → `userAgent`, `name`).
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public let keys: [String]
    public init(_ text: String) { keys = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
    init(keys: [String]) { self.keys = keys }
    public var description: String { keys.joined(separator: ".") }
}

/// A row: one JSON object.
public typealias PipelineRow = [String: PipelineValue]

extension Dictionary where Key == String, Value == PipelineValue {
    /// The value at a dotted path; null where missing.
    public subscript(path path: FieldPath) -> PipelineValue { PipelineValue.object(self)[path: path] }

    public mutating func set(_ path: FieldPath, _ value: PipelineValue) {
        guard let first = path.keys.first else { return }
        if path.keys.count == 1 { self[first] = value; return }
        var top = removeValue(forKey: first) ?? .null
        top.set(FieldPath(keys: Array(path.keys.dropFirst())), value)
        self[first] = top
    }
}
