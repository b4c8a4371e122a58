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
        let described = Set(paths.flatMap { path, item in item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" } })
        #expect(registered.count > 70)
        #expect(registered.subtracting(described).sorted() == [], "routes missing from docs/openapi.yaml")
        #expect(described.subtracting(registered).sorted() == [], "operations in docs/openapi.yaml that the server does not have")
    }

    @Test func theEmbeddedCopyIsDocsOpenAPIYAML() throws {
        let source = try String(contentsOf: Self.packageRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        #expect(OpenAPIDocument.yaml + "\n" == source, "Sources/HTTPFront/OpenAPIDocument.swift is stale: run `make openapi`")
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
