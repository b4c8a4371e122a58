import Crypto
import Foundation
import Runtime
import Snapshot
#if canImport(Glibc)
import Glibc
#endif

/// What the server's organisations did with their products at run time (docs/products.md): the
/// products created, names given since, and which product each API key reaches. Kept in
/// `organisation.json` in the data directory, written whole and atomically (temporary file,
/// fsync, rename, fsync of the directory) before a change is answered.
public struct OrganisationRecord: Codable, Sendable, Equatable {
    public struct Product: Codable, Sendable, Equatable {
        public var productId: Int
        public var tenant: String
        public var name: String
        public var timeZone: String
        public var retentionDays: Int
        public var createdMs: Int64
        /// The organisation of the key that made it (nil in files from before organisations: the default one).
        public var organisation: String?
    }

    public var nextProductId: Int
    public var created: [Product] = []
    /// Names set since, by product id (configured products included).
    public var names: [String: String] = [:]
    /// Per API key (SHA-256 in hex, never the key), the product it reaches when switched.
    public var active: [String: Int] = [:]

    public init(nextProductId: Int) { self.nextProductId = nextProductId }

    static func keyHash(_ key: String) -> String { SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined() }

    static func load(_ file: URL) throws -> OrganisationRecord? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        return try JSONDecoder().decode(OrganisationRecord.self, from: Data(contentsOf: file))
    }

    func save(_ file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let bytes = try encoder.encode(self)
        let temporary = file.deletingLastPathComponent().appendingPathComponent("tmp-organisation.json")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw StorageFault(operation: "create \(temporary.lastPathComponent)", errno: EIO)
        }
        let handle = try FileHandle(forWritingTo: temporary)
        do {
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close(); try? FileManager.default.removeItem(at: temporary)
            throw StorageFault(operation: "write organisation.json", errno: EIO)
        }
        guard rename(temporary.path, file.path) == 0 else { throw StorageFault(operation: "rename organisation.json", errno: errno) }
        FileSync.directory(file.deletingLastPathComponent())
    }
}
