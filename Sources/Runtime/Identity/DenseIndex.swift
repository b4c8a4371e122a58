/// Dense ids, handed out in arrival order by an interner. Typed so that a user id can never be
/// passed where an event-type id is expected.
public struct UserIndex: Hashable, Sendable, Comparable {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

public struct AccountIndex: Hashable, Sendable {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    /// Events without an account carry this value.
    public static let none = AccountIndex(UInt32.max)
}

public struct EventTypeIndex: Hashable, Sendable {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}

public struct PageIndex: Hashable, Sendable {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    /// Events without a page carry this value.
    public static let none = PageIndex(UInt32.max)
}

/// An interned set of event properties (key/value pairs); users' properties rarely change, so
/// most events share a handful of sets and a column of set ids costs 4 bytes an event.
public struct PropertySetIndex: Hashable, Sendable {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public static let empty = PropertySetIndex(0)
}
