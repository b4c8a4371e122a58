import Testing
import TestSupport
@testable import Runtime

@Suite struct SlidingUnionTests {
    @Test(arguments: [1, 2, 3, 7, 30])
    func matchesNaiveUnions(window: Int) {
        var rng = SeededGenerator(seed: UInt64(window))
        for _ in 0..<20 {
            let n = Int.random(in: 1...70, using: &rng)
            let sets = (0..<n).map { _ in Set((0..<Int.random(in: 0...30, using: &rng)).map { _ in UInt32.random(in: 0..<100, using: &rng) }) }
            let firstEnd = Int.random(in: 0..<n, using: &rng)
            let fast = SlidingUnion.counts(sets.map { Bitmap($0) }, window: window, firstEnd: firstEnd)
            let naive = (firstEnd..<n).map { end in sets[max(0, end - window + 1)...end].reduce(into: Set<UInt32>()) { $0.formUnion($1) }.count }
            #expect(fast == naive, "n=\(n) firstEnd=\(firstEnd)")
        }
    }
}
