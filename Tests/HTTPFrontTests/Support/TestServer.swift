import Actors
import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Runtime

/// An application wired like the real server, with two tenants and a fixed clock.
enum TestServer {
    /// 2026-10-31T12:00:00Z
    static let nowMs: Int64 = 1_793_448_000_000

    /// Acme's keys with roles; `acme-key` is a bare (admin) key.
    static let grants: [String: APIKeyGrant] = [
        "acme-admin": .init(role: .admin, member: "ada"),
        "acme-viewer": .init(role: .viewer, member: "vera"),
        "acme-editor": .init(role: .editor, member: "eddie"),
        "acme-editor2": .init(role: .editor, member: "erin"),
        "acme-public": .publicIngest("acme-public"),
    ]

    /// The server's `x-admin-key`.
    static let adminKey = "test-admin-key"

    static func make(rateLimits: [String: RateLimiter.Limit]? = nil, bodyLimit: Int = 1 << 20) -> some ApplicationProtocol {
        var configuration = BeaconConfiguration()
        configuration.bodyLimitBytes = bodyLimit
        configuration.streamMaxSeconds = 2
        if let rateLimits { configuration.rateLimits = rateLimits } else {
            configuration.rateLimits = ["ingest": .init(requests: 100_000, windowSeconds: 60), "api": .init(requests: 100_000, windowSeconds: 60)]
        }
        configuration.tenants = [
            .init(settings: TenantSettings(id: "acme", name: "Acme"), apiKeys: ["acme-key", "acme-admin", "acme-viewer", "acme-editor", "acme-editor2", "acme-public"]),
            .init(settings: TenantSettings(id: "globex", name: "Globex", timeZone: TimeZone(identifier: "America/New_York")!), apiKeys: ["globex-key"]),
        ]
        configuration.apiKeyGrants = grants
        configuration.adminKeys = [adminKey]
        configuration.allowedOrigins = ["acme": ["https://app.acme.test"], "globex": ["https://globex.test"]]
        let registry = TenantRegistry(configuration.tenants, clock: { nowMs })
        return Application(router: BeaconApplication.makeRouter(configuration: configuration, registry: registry))
    }
}

extension TestClientProtocol {
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, key: String? = "acme-key", headers: HTTPFields = [:], json: String? = nil) async throws -> (status: HTTPResponse.Status, json: [String: Any], headers: HTTPFields) {
        var fields = headers
        if let key { fields[FieldName("x-api-key")!] = key }
        if json != nil { fields[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: fields, body: json.map { ByteBuffer(string: $0) }) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
            return (response.status, object, response.headers)
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    /// The message of a JSON error envelope.
    var errorMessage: String? { (self["error"] as? [String: Any])?["message"] as? String }
    var errorField: String? { (self["error"] as? [String: Any])?["field"] as? String }
}
typealias FieldName = HTTPFields.Element.Name
