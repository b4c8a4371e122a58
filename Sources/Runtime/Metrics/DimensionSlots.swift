/// Numbers the breakdown values a scan meets, in order of first sight: the slot of an event's
/// value is found once per property set for a property, on a change of value for other fields,
/// so the hot path is an array read. Without a field every event is in slot 0 (value 0).
struct DimensionSlots {
    /// The value of each slot.
    private(set) var values: [UInt32] = []
    private var dimension: EventDimension?
    private var slotOfValue: [UInt32: Int] = [:]
    private var slotOfSet: [Int32]
    private var lastValue = UInt32.max - 1, lastSlot = 0

    init(_ field: EventField?, in state: TenantState) {
        dimension = field.map { EventDimension($0, in: state) }
        var isProperty = false
        if case .property = field { isProperty = true }
        slotOfSet = [Int32](repeating: -1, count: isProperty ? state.propertySets.count : 0)
        if field == nil { _ = slot(of: 0) }
    }

    /// The slot of the event's value; a new value takes slot `values.count` (the caller adds
    /// storage for it).
    @inline(__always)
    mutating func slot(type: UInt32, page: UInt32, user: UInt32, set: UInt32, in state: TenantState) -> Int {
        guard dimension != nil else { return 0 }
        let i = Int(set)
        if i < slotOfSet.count, slotOfSet[i] >= 0 { return Int(slotOfSet[i]) }
        let value = dimension!.value(type: type, page: page, user: user, set: set, in: state)
        if value != lastValue { lastValue = value; lastSlot = slot(of: value) }
        if i < slotOfSet.count { slotOfSet[i] = Int32(lastSlot) }
        return lastSlot
    }

    private mutating func slot(of value: UInt32) -> Int {
        if let known = slotOfValue[value] { return known }
        values.append(value)
        slotOfValue[value] = values.count - 1
        return values.count - 1
    }
}
