/// What an expression may read besides its row: the request's clock, the tenant's time zone,
/// and who is identified.
public struct PipelineEnvironment: Sendable {
    /// Pendo's default app id in its examples: every event that names no other app (`app_id`) is in it.
    public static let appID = -323232
    public var nowMs: Int64
    /// The tenant's apps with events, the default one first: what `expandAppIds("*")` gives.
    public var apps: [Int] = [appID]
    public var calendar: TenantCalendar
    /// Whether a visitor id names an identified visitor (not an anonymous one).
    public var isIdentified: @Sendable (String) -> Bool

    public init(nowMs: Int64, calendar: TenantCalendar, isIdentified: @escaping @Sendable (String) -> Bool) {
        self.nowMs = nowMs; self.calendar = calendar; self.isIdentified = isIdentified
    }
}

/// An expression failed on a row: a type the operator does not take, a bad date.
public struct PipelineEvaluationError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
