/// How severe a log record is, least first. Stored as its raw byte in the log columns.
public enum LogLevel: UInt8, Sendable, CaseIterable, Comparable {
    case trace = 0, debug, info, warn, error, fatal

    public var name: String {
        switch self {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .warn: "warn"
        case .error: "error"
        case .fatal: "fatal"
        }
    }

    /// A level by name, case-insensitively; `warning` reads as `warn`.
    public init?(name: String) {
        let lowered = name.lowercased()
        if lowered == "warning" { self = .warn; return }
        guard let level = Self.allCases.first(where: { $0.name == lowered }) else { return nil }
        self = level
    }

    /// "trace, debug, info, warn, error, fatal", for error messages.
    public static let namesText = allCases.map(\.name).joined(separator: ", ")

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}
