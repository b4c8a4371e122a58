/// What a team sets up around its data (docs/workspace.md): the tenant's settings, display labels
/// for event types, threshold alerts with their firings, goals and saved views.
public struct Workspace: Sendable, Equatable {
    public enum ProductMode: String, Sendable, CaseIterable {
        /// Customers are companies: accounts are the customers' accounts.
        case b2b
        /// Users are a company's own employees: accounts are its teams or departments.
        case employee
    }

    public var companyName: String?
    public var productMode = ProductMode.b2b
    /// Events with a user email and no account get the email's domain as their account.
    public var autoDeriveAccounts = false
    /// Event type → label shown in place of its name.
    public var labels: [String: String] = [:]
    public package(set) var alerts: [Int: Alert] = [:]
    public package(set) var goals: [Int: Goal] = [:]
    public package(set) var views: [Int: SavedView] = [:]
    public package(set) var nextID = 1

    public init() {}

    public static let maxLabels = 1_000, maxAlerts = 100, maxGoals = 100, maxViews = 1_000
}

/// A number over one day of the tenant (docs/workspace.md says how each is counted).
public enum WorkspaceMetric: Sendable, Equatable {
    case eventCount
    case activeUsers
    /// `page_error` events over all events.
    case errorRate
    case eventType(String)

    public var name: String {
        switch self {
        case .eventCount: "event_count"
        case .activeUsers: "active_users"
        case .errorRate: "error_rate"
        case .eventType(let type): "event:" + type
        }
    }

    /// From `event_count`, `active_users`, `error_rate` or `event:<type>`.
    public init?(name: String) {
        switch name {
        case "event_count": self = .eventCount
        case "active_users": self = .activeUsers
        case "error_rate": self = .errorRate
        default:
            guard name.hasPrefix("event:"), name.count > 6 else { return nil }
            self = .eventType(String(name.dropFirst(6)))
        }
    }
}

public struct Alert: Sendable, Equatable {
    public enum Direction: String, Sendable, CaseIterable { case above, below }

    public var id: Int
    public var name: String
    public var metric: WorkspaceMetric
    public var threshold: Double
    public var direction: Direction
    public var member: String
    public var createdMs: Int64
    /// Newest last, at most `keptFirings`.
    public package(set) var firings: [AlertFiring] = []

    public static let keptFirings = 100

    public init(id: Int, name: String, metric: WorkspaceMetric, threshold: Double, direction: Direction, member: String, createdMs: Int64,
                firings: [AlertFiring] = []) {
        self.id = id; self.name = name; self.metric = metric; self.threshold = threshold; self.direction = direction
        self.member = member; self.createdMs = createdMs; self.firings = firings
    }

    public func passes(_ value: Double) -> Bool { direction == .above ? value > threshold : value < threshold }
}

/// One time an alert's day crossed its threshold.
public struct AlertFiring: Sendable, Equatable {
    public var day: DayNumber
    public var atMs: Int64
    public var value: Double
    public init(day: DayNumber, atMs: Int64, value: Double) { self.day = day; self.atMs = atMs; self.value = value }
}

public struct Goal: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var metric: WorkspaceMetric
    public var target: Double
    /// The metric is summed (or, for users and rates, taken whole) over this many days up to today.
    public var days: Int
    public var member: String
    public var createdMs: Int64

    public init(id: Int, name: String, metric: WorkspaceMetric, target: Double, days: Int, member: String, createdMs: Int64) {
        self.id = id; self.name = name; self.metric = metric; self.target = target; self.days = days; self.member = member; self.createdMs = createdMs
    }
}

/// A page's saved state (filters, ranges, columns) under a name.
public struct SavedView: Sendable, Equatable {
    public var id: Int
    public var page: String
    public var name: String
    /// The client's JSON, as sent.
    public var state: String
    public var member: String
    public var createdMs: Int64

    public init(id: Int, page: String, name: String, state: String, member: String, createdMs: Int64) {
        self.id = id; self.page = page; self.name = name; self.state = state; self.member = member; self.createdMs = createdMs
    }

    public static let maxStateBytes = 16_384
}
