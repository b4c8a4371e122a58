/// A prefix tree of paths (sequences of labels) with the number of sessions through and ending
/// at each node. Children are found through one open-addressing table keyed by (parent, label),
/// so adding a step costs one probe and no allocation.
struct PathTrie {
    static let root: UInt32 = 0
    private(set) var parent: [UInt32] = [0]
    private(set) var label: [UInt32] = [0]
    private(set) var depth: [UInt8] = [0]
    /// Sessions whose path stops at the node (the window was full, or the session ran out).
    var ends: [Int32] = [0]
    private var slots: [UInt64]
    private var slotNodes: [UInt32]
    private var mask: Int

    init(capacity: Int = 1 << 12) {
        let size = max(16, capacity.nextPowerOfTwo)
        slots = [UInt64](repeating: .max, count: size); slotNodes = [UInt32](repeating: 0, count: size); mask = size - 1
    }

    var count: Int { parent.count }

    /// The child of `node` labelled `label`, created on first use.
    @inline(__always)
    mutating func child(_ node: UInt32, _ label: UInt32) -> UInt32 {
        let key = UInt64(node) << 32 | UInt64(label)
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
        while true {
            if slots[i] == key { return slotNodes[i] }
            if slots[i] == .max { break }
            i = (i + 1) & mask
        }
        let id = UInt32(parent.count)
        slots[i] = key; slotNodes[i] = id
        parent.append(node); self.label.append(label); depth.append(depth[Int(node)] + 1); ends.append(0)
        if parent.count * 2 > slots.count { grow() }
        return id
    }

    private mutating func grow() {
        let old = zip(slots, slotNodes).filter { $0.0 != .max }
        let size = slots.count * 2
        slots = [UInt64](repeating: .max, count: size); slotNodes = [UInt32](repeating: 0, count: size); mask = size - 1
        for (key, node) in old {
            var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
            while slots[i] != .max { i = (i + 1) & mask }
            slots[i] = key; slotNodes[i] = node
        }
    }

    /// Sessions whose path passes through each node: the paths ending in its subtree. Children
    /// have larger ids than their parents, so one backward sweep adds them up.
    func through() -> [Int] {
        var through = ends.map(Int.init)
        for node in stride(from: count - 1, to: 0, by: -1) { through[Int(parent[node])] += through[node] }
        return through
    }

    /// The labels from the root to `node`.
    func labels(of node: UInt32) -> [UInt32] {
        var path: [UInt32] = []
        var n = node
        while n != Self.root { path.append(label[Int(n)]); n = parent[Int(n)] }
        return path.reversed()
    }
}

extension Int {
    var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
