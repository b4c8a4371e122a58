/// A numeric property compiled against one state: the number an event's property set carries for
/// the key, read and parsed once per set. Text that does not read as a finite number is no number.
struct EventNumber {
    private let key: UInt32?
    // NaN: not worked out yet; infinity: the set has no number.
    private var numberOfSet: [Double]

    init(key name: String, in state: TenantState) {
        key = state.propertySets.keys.lookup(name)
        numberOfSet = [Double](repeating: .nan, count: key == nil ? 0 : state.propertySets.count)
    }

    /// The number `set` carries, or nil.
    @inline(__always)
    mutating func value(set: UInt32, in state: TenantState) -> Double? {
        guard let key else { return nil }
        let i = Int(set)
        if i < numberOfSet.count, !numberOfSet[i].isNaN { return numberOfSet[i].isInfinite ? nil : numberOfSet[i] }
        let number = state.propertySets.value(of: key, in: PropertySetIndex(set)).flatMap { Double(state.propertySets.values.string($0)) }
        let usable = number.flatMap { $0.isFinite ? $0 : nil }
        if i < numberOfSet.count { numberOfSet[i] = usable ?? .infinity }
        return usable
    }
}
