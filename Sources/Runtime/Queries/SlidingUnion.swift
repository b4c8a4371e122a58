/// Distinct members over a sliding window of consecutive sets, for every window end, with two
/// bitmap operations per position instead of W: the sets are cut into blocks of W, and each
/// window is the suffix of one block united with the prefix of the next.
enum SlidingUnion {
    /// - Parameters:
    ///   - sets: consecutive sets (e.g. days), oldest first.
    ///   - window: the window length W (≥ 1).
    ///   - firstEnd: index in `sets` of the first window end wanted; windows reaching before index 0 are cut at 0.
    /// - Returns: for each end in `firstEnd..<sets.count`, the number of distinct members in the window ending there.
    static func counts(_ sets: [Bitmap], window: Int, firstEnd: Int) -> [Int] {
        let n = sets.count
        guard n > 0, firstEnd < n else { return [] }
        if window == 1 { return sets[firstEnd...].map(\.count) }
        // prefix[i]: union from the start of i's block to i; suffix[i]: union from i to the end of its block.
        var prefix = [Bitmap](repeating: Bitmap(), count: n)
        var suffix = [Bitmap](repeating: Bitmap(), count: n)
        let lowest = max(0, firstEnd - window + 1)
        for i in lowest..<n {
            prefix[i] = (i % window == 0 || i == lowest) ? sets[i] : prefix[i - 1].union(sets[i])
        }
        var i = n - 1
        while i >= lowest {
            suffix[i] = ((i + 1) % window == 0 || i == n - 1) ? sets[i] : sets[i].union(suffix[i + 1])
            i -= 1
        }
        return (firstEnd..<n).map { end in
            let start = end - window + 1
            if start <= lowest { return prefixFrom(lowest, to: end, prefix: prefix, suffix: suffix, window: window) }
            if start % window == 0 { return prefix[end].count }
            return suffix[start].unionCount(prefix[end])
        }
    }

    /// Windows cut at `lowest`: from `lowest` to `end`.
    private static func prefixFrom(_ lowest: Int, to end: Int, prefix: [Bitmap], suffix: [Bitmap], window: Int) -> Int {
        let blockStart = end - end % window
        if blockStart <= lowest { return prefix[end].count }    // prefix[end] starts at max(lowest, blockStart)
        return suffix[lowest].unionCount(prefix[end])
    }
}
