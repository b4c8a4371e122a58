import Runtime

/// The device and place fields tables show as columns, read from event properties: each is the
/// first of its keys an event's properties carry (`device_type`, else `device`).
enum SQLContextField: Int, CaseIterable {
    case country, platform, deviceType, os, browser

    var column: String {
        switch self {
        case .country: "country"
        case .platform: "platform"
        case .deviceType: "device_type"
        case .os: "os"
        case .browser: "browser"
        }
    }

    var propertyKeys: [String] {
        switch self {
        case .country: ["country"]
        case .platform: ["platform"]
        case .deviceType: ["device_type", "device"]
        case .os: ["os", "os_name"]
        case .browser: ["browser"]
        }
    }

    var sqlColumn: SQLColumn {
        SQLColumn(name: column, type: .text,
                  description: "The event's `\(propertyKeys.joined(separator: "` property, else its `"))` property; NULL when it has none")
    }
}

/// Reads context fields off property sets, each set looked at once per query.
struct SQLContextReader {
    static let unknown = UInt32.max - 1
    static let absent = UInt32.max
    private let keys: [[UInt32]]
    private var valueOfSet: [[UInt32]]

    init(_ state: TenantState) {
        let sets = state.propertySets
        keys = SQLContextField.allCases.map { field in field.propertyKeys.compactMap { sets.keys.lookup($0) } }
        valueOfSet = Array(repeating: [], count: SQLContextField.allCases.count)
    }

    /// The value id of `field` in `set`, or `absent`.
    mutating func value(_ field: SQLContextField, set: UInt32, in state: TenantState) -> UInt32 {
        let f = field.rawValue
        if valueOfSet[f].isEmpty { valueOfSet[f] = [UInt32](repeating: Self.unknown, count: state.propertySets.count) }
        let i = Int(set)
        if i < valueOfSet[f].count, valueOfSet[f][i] != Self.unknown { return valueOfSet[f][i] }
        var found = Self.absent
        for key in keys[f] {
            if let v = state.propertySets.value(of: key, in: PropertySetIndex(set)) { found = v; break }
        }
        if i < valueOfSet[f].count { valueOfSet[f][i] = found }
        return found
    }

    mutating func put(_ field: SQLContextField, set: UInt32, in state: TenantState, into result: SQLResultContext) {
        let v = value(field, set: set, in: state)
        if v == Self.absent { result.null() } else { state.propertySets.values.withBytes(of: v) { result.text($0) } }
    }
}
