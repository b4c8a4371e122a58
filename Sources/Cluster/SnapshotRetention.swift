/// Which of a unit's snapshots in the object store to keep, and how much of its stream they let
/// go (docs/cluster.md, "Snapshots"): the newest `keep` stay, and the stream keeps every record
/// after the second-newest's sequence, so a damaged newest snapshot still leaves a way back.
public enum SnapshotRetention {
    /// `<unit>/<sequence>`, the sequence zero-padded so names sort as sequences do.
    public static func objectName(unit: String, covering sequence: UInt64) -> String {
        let digits = String(sequence)
        return UnitNames.escaped(unit) + "/" + String(repeating: "0", count: 20 - digits.count) + digits
    }

    /// The sequence an object of `unit` covers; nil for another unit's object or another name.
    public static func sequence(of name: String, unit: String) -> UInt64? {
        let prefix = UnitNames.escaped(unit) + "/"
        guard name.hasPrefix(prefix) else { return nil }
        let digits = name.dropFirst(prefix.count)
        guard digits.count == 20, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return UInt64(digits)
    }

    /// - Returns: the snapshots to delete, and the sequence below which the stream may be purged
    ///   (nil while fewer than two snapshots exist).
    public static func plan(snapshots: [UInt64], keep: Int = 2) -> (delete: [UInt64], purgeBelow: UInt64?) {
        let newestFirst = Set(snapshots).sorted(by: >)
        let kept = max(2, keep)
        let delete = Array(newestFirst.dropFirst(kept)).sorted()
        return (delete, newestFirst.count >= 2 ? newestFirst[1] + 1 : nil)
    }
}
