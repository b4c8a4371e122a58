/// A breakdown compiled against one state: the value an event carries for the field, as an id
/// (`EventDimension.none` when the event has none), with property values read once per set.
struct EventDimension {
    static let none = UInt32.max

    let field: EventField
    private let key: UInt32?
    private var valueOfSet: [UInt32]
    private static let unknown = UInt32.max - 1

    init(_ field: EventField, in state: TenantState) {
        self.field = field
        if case .property(let name) = field {
            key = state.propertySets.keys.lookup(name)
            valueOfSet = [UInt32](repeating: Self.unknown, count: state.propertySets.count)
        } else {
            key = nil
            valueOfSet = []
        }
    }

    /// `user` is canonical.
    @inline(__always)
    mutating func value(type: UInt32, page: UInt32, user: UInt32, set: UInt32, in state: TenantState) -> UInt32 {
        switch field {
        case .eventName: return type
        case .page: return page
        case .user: return user
        case .property:
            guard let key else { return Self.none }
            let i = Int(set)
            if i < valueOfSet.count, valueOfSet[i] != Self.unknown { return valueOfSet[i] }
            let value = state.propertySets.value(of: key, in: PropertySetIndex(set)) ?? Self.none
            if i < valueOfSet.count { valueOfSet[i] = value }
            return value
        }
    }

    /// The text of a value id; nil for `none`.
    func name(_ value: UInt32, in state: TenantState) -> String? {
        guard value != Self.none else { return nil }
        switch field {
        case .eventName: return state.eventTypeNames.string(value)
        case .page: return state.pageNames.string(value)
        case .user: return state.userNames.string(value)
        case .property: return state.propertySets.values.string(value)
        }
    }
}
