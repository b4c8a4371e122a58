/// How much more a tenant can take: interners address their bytes with `UInt32` offsets, so
/// each holds at most 4 GiB; a write that could pass that is refused before it is logged (and
/// so can never be replayed into a trap).
extension TenantState {
    /// Bytes the fullest interner can still take.
    public var internerRoom: Int {
        let interners = [userNames, accountNames, eventTypeNames, pageNames, externalIDs, propertySets.keys, propertySets.values, propertySets.sets]
        return interners.map(\.room).min() ?? ByteInterner.maxArenaBytes
    }

    /// Whether a write of `bodyBytes` bytes fits the interners. A body's strings are interned at
    /// most once per interner, and a property set's encoding adds 2 bytes per string, so twice
    /// the body bounds any one interner's growth.
    public func hasInternerRoom(forBodyBytes bodyBytes: Int) -> Bool {
        let (twice, overflow) = bodyBytes.multipliedReportingOverflow(by: 2)
        return !overflow && twice < internerRoom
    }
}

extension ByteInterner {
    /// The most bytes an interner holds: offsets into its arena are `UInt32`.
    public static let maxArenaBytes = Int(UInt32.max) - 1

    /// Bytes it can still take (`byteLimit` is lowered only by tests).
    public var room: Int { byteLimit - arena.count }
}
