/// Rendezvous (highest random weight) placement: each unit goes to the node with the highest
/// weight for the pair. Units spread evenly, and when a node leaves only its own units move.
public enum Rendezvous {
    /// The nodes in the unit's order of preference: its owner first, then who takes over.
    public static func ranking(of unit: String, among nodes: some Sequence<String>) -> [String] {
        Set(nodes).map { (node: $0, weight: StableHash.of($0, unit)) }
            .sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.node < $1.node }
            .map(\.node)
    }

    /// The unit's preferred node; nil when there is none.
    public static func owner(of unit: String, among nodes: some Sequence<String>) -> String? {
        var best: (node: String, weight: UInt64)?
        for node in Set(nodes) {
            let weight = StableHash.of(node, unit)
            if let b = best, b.weight > weight || (b.weight == weight && b.node < node) { continue }
            best = (node, weight)
        }
        return best?.node
    }
}
