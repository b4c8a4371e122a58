import Foundation
import Hummingbird
import Yams

/// `GET /openapi.json`: docs/openapi.yaml as JSON, converted once, at the first request.
struct OpenAPIRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/openapi.json") { _, _ in
            let json = try Self.json.get()
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
    }

    /// A static `let` is initialized lazily and once, whichever request comes first.
    static let json: Result<[UInt8], Error> = Result { try OpenAPIJSON.convert(yaml: OpenAPIDocument.yaml) }
}

/// YAML to JSON, keeping the document's key order. Scalars keep their YAML types (integers,
/// floats, booleans, null); anything else, dates included, stays text.
enum OpenAPIJSON {
    struct Unsupported: Error, CustomStringConvertible { var description: String }

    static func convert(yaml: String) throws -> [UInt8] {
        guard let root = try Yams.compose(yaml: yaml) else { throw Unsupported(description: "empty YAML document") }
        var out = ""
        try write(root, to: &out)
        return Array(out.utf8)
    }

    private static func write(_ node: Node, to out: inout String) throws {
        switch node {
        case .mapping(let mapping):
            out += "{"
            for (i, (key, value)) in mapping.enumerated() {
                guard case .scalar(let name) = key else { throw Unsupported(description: "a mapping key that is not a scalar") }
                if i > 0 { out += "," }
                quote(name.string, to: &out)
                out += ":"
                try write(value, to: &out)
            }
            out += "}"
        case .sequence(let sequence):
            out += "["
            for (i, item) in sequence.enumerated() {
                if i > 0 { out += "," }
                try write(item, to: &out)
            }
            out += "]"
        case .scalar(let scalar):
            switch Resolver.default.resolveTag(of: node) {
            case .null: out += "null"
            case .bool: out += Bool.construct(from: scalar).map { $0 ? "true" : "false" } ?? "null"
            case .int:
                // 64-bit bounds (UInt64.max) do not fit an Int.
                if let value = Int.construct(from: scalar) { out += String(value) }
                else if let value = UInt64.construct(from: scalar) { out += String(value) }
                else { throw Unsupported(description: "integer out of range: \(scalar.string)") }
            case .float:
                guard let value = Double.construct(from: scalar), value.isFinite else { throw Unsupported(description: "not a finite number: \(scalar.string)") }
                out += "\(value)"
            default: quote(scalar.string, to: &out)
            }
        case .alias:
            throw Unsupported(description: "YAML aliases")
        }
    }

    private static func quote(_ text: String, to out: inout String) { out += JSONValue.quoted(text) }
}
