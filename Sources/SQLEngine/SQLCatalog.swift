/// The data sources a SQL query can read, as the data-exploration routes list them: the seed's
/// source ids, each with its table and columns.
public struct SQLSourceInfo: Sendable {
    public var id: String
    public var name: String
    public var table: String
    public var description: String
    public var fields: [SQLColumn]
}

public enum SQLCatalog {
    public static let sources: [SQLSourceInfo] = [
        source("events", "Events", EventsTable.self),
        source("logs", "Logs", LogsTable.self),
        source("context", "Context", ContextTable.self),
        source("user_traits", "User traits", UserTraitsTable.self),
        source("users", "Users", UsersTable.self),
        source("user_devices", "User devices", UserDevicesTable.self),
    ]

    public static func source(_ id: String) -> SQLSourceInfo? { sources.first { $0.id == id } }

    private static func source(_ id: String, _ name: String, _ table: any SQLTable.Type) -> SQLSourceInfo {
        SQLSourceInfo(id: id, name: name, table: table.name, description: table.summary, fields: table.columns)
    }
}
