import Actors
import Foundation
@testable import HTTPFront
import Hummingbird
import Runtime
import HummingbirdTesting
import Testing

@Suite struct OpenAPITests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The served document, fetched the way a client would: without an API key.
    static func servedDocument() async throws -> [String: Any] {
        try await TestServer.make().test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
                return try #require(object as? [String: Any])
            }
        }
    }

    @Test func servesTheDescriptionAsOpenAPI31WithoutAnAPIKey() async throws {
        let document = try await Self.servedDocument()
        let version = try #require(document["openapi"] as? String)
        #expect(version.hasPrefix("3.1."))
        let paths = try #require(document["paths"] as? [String: Any])
        #expect(paths["/api/live"] != nil)
        // YAML integers stay JSON integers (the bounds fuzzers read), including 64-bit ones.
        let components = try #require(document["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: Any])
        let id = try #require(schemas["ID"] as? [String: Any])
        #expect((id["maximum"] as? NSNumber)?.int64Value == Int64.max)
        #expect(id["minimum"] as? Int == 1)
    }

    @Test func everyRegisteredRouteIsDescribedAndNothingElse() async throws {
        var configuration = BeaconConfiguration()
        configuration.tenants = [.init(settings: TenantSettings(id: "acme", name: "Acme"), apiKeys: ["acme-key"])]
        let router = BeaconApplication.makeRouter(configuration: configuration, registry: TenantRegistry(configuration.tenants))
        // Hummingbird writes captures as `{name}`, as OpenAPI does.
        let registered = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let document = try await Self.servedDocument()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        var described = Set(paths.flatMap { path, item in item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" } })
        #expect(registered.count > 70)
        // The Personyze API is one catch-all route per method; the document spells out each
        // object's paths instead. Each described one must name an object and a method it takes,
        // and every object must be described.
        let personyze = described.filter { $0.split(separator: " ")[1].hasPrefix(PersonyzeRoutes.prefix) }
        var objectsDescribed: Set<String> = []
        for operation in personyze {
            let parts = operation.split(separator: " ")
            let object = String(parts[1].dropFirst(PersonyzeRoutes.prefix.count).split(separator: "/").first ?? "")
            let known = PersonyzeObject(rawValue: object)
            #expect(known?.methods.map(\.rawValue).contains(String(parts[0])) == true, "\(operation): not an object and method the server takes")
            objectsDescribed.insert(object)
        }
        #expect(objectsDescribed == Set(PersonyzeObject.allCases.map(\.rawValue)), "every Personyze object is described")
        described.subtract(personyze)
        let catchAll = registered.filter { $0.hasSuffix(" /personyze/rest/**") || $0.hasSuffix(" /personyze/rest") }
        #expect(catchAll.count == 8)
        #expect(registered.subtracting(catchAll).subtracting(described).sorted() == [], "routes missing from docs/openapi.yaml")
        #expect(described.subtracting(registered).sorted() == [], "operations in docs/openapi.yaml that the server does not have")
    }

    @Test func theEmbeddedCopyIsDocsOpenAPIYAML() throws {
        let source = try String(contentsOf: Self.packageRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        #expect(OpenAPIDocument.yaml + "\n" == source, "Sources/HTTPFront/OpenAPIDocument.swift is stale: run `make openapi`")
    }

    /// Every error code the server can send is one the described error schema allows.
    @Test func everyErrorCodeInTheSourcesIsInTheErrorSchema() async throws {
        let document = try await Self.servedDocument()
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let error = try #require(schemas["Error"] as? [String: Any])
        let inner = try #require((error["properties"] as? [String: Any])?["error"] as? [String: Any])
        let code = try #require((inner["properties"] as? [String: Any])?["code"] as? [String: Any])
        let allowed = Set(try #require(code["enum"] as? [String]))
        var sent: Set<String> = []
        let sources = Self.packageRoot.appendingPathComponent("Sources/HTTPFront")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        let literal = try Regex(#"code: "([a-z_]+)""#)
        for case let file as URL in files where file.pathExtension == "swift" && file.lastPathComponent != "OpenAPIDocument.swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: literal) { sent.insert(String(text[match.output[1].range!])) }
        }
        for kind in [PipelineError.Kind.invalid, .notFound, .notSupported, .tooLarge, .tooSlow] {
            sent.insert(PendoAggregationRoutes.apiError(PipelineError(kind, stage: [0], "x")).code)
        }
        #expect(sent.count > 10)
        #expect(sent.subtracting(allowed).sorted() == [], "error codes missing from the Error schema in docs/openapi.yaml")
    }

    @Test func conversionKeepsKeyOrderTypesAndEscapes() throws {
        let yaml = """
        b: 1
        a: [true, null, 2.5, "3", 2026-10-31, 18446744073709551615]
        "q": "say \\"hi\\"\\n"
        """
        let json = String(decoding: try OpenAPIJSON.convert(yaml: yaml), as: UTF8.self)
        #expect(json == #"{"b":1,"a":[true,null,2.5,"3","2026-10-31",18446744073709551615],"q":"say \"hi\"\n"}"#)
    }
}
