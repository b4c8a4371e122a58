/// Metrics conditions compiled against one state: each field's verdict is worked out once per
/// distinct value (event type, page, user, property set) and then read from a table, so a scan
/// pays a few array reads per event whatever the conditions.
struct EventMatcher {
    private let byType: [MetricsCondition], byPage: [MetricsCondition], byUser: [MetricsCondition]
    private let byProperty: [(key: UInt32?, condition: MetricsCondition)]
    // 0 unknown, 1 fails, 2 holds.
    private var typeVerdicts: [UInt8], pageVerdicts: [UInt8], userVerdicts: [UInt8], setVerdicts: [UInt8]
    private var noPageVerdict: UInt8 = 0

    init(_ conditions: [MetricsCondition], in state: TenantState) {
        byType = conditions.filter { $0.field == .eventName }
        byPage = conditions.filter { $0.field == .page }
        byUser = conditions.filter { $0.field == .user }
        byProperty = conditions.compactMap { condition in
            guard case .property(let key) = condition.field else { return nil }
            return (state.propertySets.keys.lookup(key), condition)
        }
        typeVerdicts = [UInt8](repeating: 0, count: byType.isEmpty ? 0 : state.eventTypeNames.count)
        pageVerdicts = [UInt8](repeating: 0, count: byPage.isEmpty ? 0 : state.pageNames.count)
        userVerdicts = [UInt8](repeating: 0, count: byUser.isEmpty ? 0 : state.users.count)
        setVerdicts = [UInt8](repeating: 0, count: byProperty.isEmpty ? 0 : state.propertySets.count)
    }

    var isTrivial: Bool { byType.isEmpty && byPage.isEmpty && byUser.isEmpty && byProperty.isEmpty }

    /// The event types that can pass, or nil when the conditions do not restrict the type.
    func possibleTypes(in state: TenantState) -> Set<UInt32>? {
        guard !byType.isEmpty else { return nil }
        return Set((0..<UInt32(state.eventTypeNames.count)).filter { t in
            let name = state.eventTypeNames.string(t)
            return byType.allSatisfy { $0.holds(name) }
        })
    }

    /// `user` is canonical.
    @inline(__always)
    mutating func matches(type: UInt32, page: UInt32, user: UInt32, set: UInt32, in state: TenantState) -> Bool {
        if !byType.isEmpty, !Self.verdict(&typeVerdicts, Int(type), { byType.allSatisfy { $0.holds(state.eventTypeNames.string(type)) } }) { return false }
        if !byPage.isEmpty {
            if page == PageIndex.none.rawValue {
                if noPageVerdict == 0 { noPageVerdict = byPage.allSatisfy { $0.holds(nil) } ? 2 : 1 }
                if noPageVerdict == 1 { return false }
            } else if !Self.verdict(&pageVerdicts, Int(page), { byPage.allSatisfy { $0.holds(state.pageNames.string(page)) } }) {
                return false
            }
        }
        if !byUser.isEmpty, !Self.verdict(&userVerdicts, Int(user), { byUser.allSatisfy { $0.holds(state.userNames.string(user)) } }) { return false }
        if !byProperty.isEmpty {
            let conditions = byProperty
            if !Self.verdict(&setVerdicts, Int(set), { Self.propertiesHold(conditions, set, state.propertySets) }) { return false }
        }
        return true
    }

    private static func propertiesHold(_ conditions: [(key: UInt32?, condition: MetricsCondition)], _ set: UInt32, _ sets: PropertySets) -> Bool {
        conditions.allSatisfy { key, condition in
            condition.holds(key.flatMap { sets.value(of: $0, in: PropertySetIndex(set)) }.map { sets.values.string($0) })
        }
    }

    @inline(__always)
    private static func verdict(_ table: inout [UInt8], _ i: Int, _ compute: () -> Bool) -> Bool {
        // Ids interned after the matcher was built (none in an immutable view) are judged each time.
        guard i < table.count else { return compute() }
        if table[i] == 0 { table[i] = compute() ? 2 : 1 }
        return table[i] == 2
    }
}
