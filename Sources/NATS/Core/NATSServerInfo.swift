/// The fields of the server's INFO line that the client uses.
public struct NATSServerInfo: Sendable, Decodable, Equatable {
    public var serverID: String
    public var serverName: String?
    public var version: String
    public var proto: Int?
    public var maxPayload: Int
    public var headers: Bool?
    public var jetstream: Bool?

    enum CodingKeys: String, CodingKey {
        case serverID = "server_id"
        case serverName = "server_name"
        case version, proto
        case maxPayload = "max_payload"
        case headers, jetstream
    }
}

extension NATSServerInfo {
    /// Lenient: INFO lines sent later (cluster topology updates) need not carry every field,
    /// and a missing one must not end the connection.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        serverID = try container.decodeIfPresent(String.self, forKey: .serverID) ?? ""
        serverName = try container.decodeIfPresent(String.self, forKey: .serverName)
        version = try container.decodeIfPresent(String.self, forKey: .version) ?? ""
        proto = try container.decodeIfPresent(Int.self, forKey: .proto)
        // The server's default when it says nothing.
        maxPayload = try container.decodeIfPresent(Int.self, forKey: .maxPayload) ?? 1_048_576
        headers = try container.decodeIfPresent(Bool.self, forKey: .headers)
        jetstream = try container.decodeIfPresent(Bool.self, forKey: .jetstream)
    }
}
