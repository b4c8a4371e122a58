import Runtime

/// Pipelines arrive as JSON and rows leave as JSON: the conversions, with every number a
/// `Double` as the expression language computes, and whole numbers written without a fraction.
extension PipelineValue {
    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .integer(let n): self = .number(Double(n))
        case .number(let n): self = .number(n)
        case .string(let s): self = .string(s)
        case .array(let items): self = .list(items.map(PipelineValue.init))
        case .object(let fields): self = .object(fields.mapValues(PipelineValue.init))
        }
    }

    /// Writes the value; objects with their keys sorted, so answers are byte-stable.
    func write(to json: inout JSONWriter) {
        switch self {
        case .null: json.raw(Array("null".utf8))
        case .bool(let b): json.raw(Array((b ? "true" : "false").utf8))
        case .number(let n): json.raw(Array(Self.numberText(n).utf8))
        case .string(let s): json.value(s)
        case .list(let items): json.array { out in for item in items { item.write(to: &out) } }
        case .object(let fields):
            json.object { out in
                for key in fields.keys.sorted() {
                    out.key(text: key)
                    fields[key]!.write(to: &out)
                }
            }
        }
    }

    /// A whole number within 2^53 as digits; any other finite number in its shortest form; JSON
    /// has no infinity, so a non-finite one is null.
    static func numberText(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n.rounded() == n, abs(n) < 9_007_199_254_740_992 { return String(Int64(n)) }
        return "\(n)"
    }

    /// The value as one CSV field: text as it is, numbers as in JSON, lists and objects as JSON.
    var csvText: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return Self.numberText(n)
        case .string(let s): return s
        case .list, .object:
            var json = JSONWriter()
            write(to: &json)
            return String(decoding: json.bytes, as: UTF8.self)
        }
    }
}
