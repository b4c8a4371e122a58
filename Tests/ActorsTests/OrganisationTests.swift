import Foundation
import Logging
import Testing
@testable import Actors
import Runtime

/// Products stay within their organisation: a key lists, switches to, renames and deletes only
/// its own organisation's; what it creates joins its organisation, also after a restart.
@Suite struct OrganisationTests {
    static let entries = [
        TenantRegistry.Entry(settings: TenantSettings(id: "a1", name: "A one"), apiKeys: ["ka"], organisation: "acme"),
        TenantRegistry.Entry(settings: TenantSettings(id: "a2", name: "A two"), apiKeys: ["ka2"], organisation: "acme"),
        TenantRegistry.Entry(settings: TenantSettings(id: "b1", name: "B one"), apiKeys: ["kb"], organisation: "bravo"),
    ]

    @Test func keysReachOnlyTheirOrganisationsProducts() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("org-\(UUID().uuidString)").appendingPathComponent("organisation.json")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let registry = TenantRegistry(Self.entries, organisationFile: file)
        #expect(registry.products(forKey: "ka").map(\.productId) == [1, 2] && registry.products(forKey: "kb").map(\.productId) == [3])
        #expect(throws: TenantRegistry.Refusal.unknownProduct(3)) { try registry.switchProduct(key: "ka", to: 3) }
        #expect(throws: TenantRegistry.Refusal.unknownProduct(1)) { try registry.rename(1, to: "x", by: "kb") }
        try registry.switchProduct(key: "ka", to: 2)
        #expect(registry.tenant(forKey: "ka")?.id == "a2" && registry.configuredTenant(forKey: "ka")?.id == "a1")
        let made = try await registry.createProduct(name: "B mobile", template: Self.entries[2].settings, by: "kb", storage: nil, logger: Logger(label: "test"))
        #expect(made.organisation == "bravo" && registry.products(forKey: "kb").map(\.productId) == [3, 4])
        #expect(registry.products(forKey: "ka").map(\.productId) == [1, 2])
        do { try await registry.delete(4, by: "ka", storage: nil); Issue.record("deleted another organisation's product") } catch let r as TenantRegistry.Refusal {
            #expect(r == .unknownProduct(4))
        }
        // Read back: the switch and the product's organisation stay.
        let again = TenantRegistry(Self.entries, organisationFile: file)
        #expect(again.tenant(forKey: "ka")?.id == "a2" && again.products(forKey: "kb").map(\.name) == ["B one", "B mobile"])
        #expect(again.products(forKey: "ka").count == 2)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(!text.contains("\"ka\"") && text.contains(OrganisationRecord.keyHash("ka")))
    }
}
