import Testing
import TestSupport
@testable import Runtime

@Suite struct BitmapTests {
    @Test func algebraMatchesSets() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<50 {
            let a = Set((0..<Int.random(in: 0...500, using: &rng)).map { _ in UInt32.random(in: 0..<200_000, using: &rng) })
            let b = Set((0..<Int.random(in: 0...500, using: &rng)).map { _ in UInt32.random(in: 0..<200_000, using: &rng) })
            let x = Bitmap(a), y = Bitmap(b)
            #expect(x.count == a.count)
            #expect(Set(x.union(y).members) == a.union(b))
            #expect(x.unionCount(y) == a.union(b).count)
            #expect(Set(x.intersection(y).members) == a.intersection(b))
            #expect(x.intersectionCount(y) == a.intersection(b).count)
            #expect(Set(x.subtracting(y).members) == a.subtracting(b))
            #expect(Bitmap.union(of: [x, y, Bitmap()]).count == a.union(b).count)
        }
    }

    @Test func copiesAreIndependent() {
        var a = Bitmap([1, 2, 3])
        let b = a
        a.insert(4)
        a.remove(1)
        #expect(b.members == [1, 2, 3])
        #expect(a.members == [2, 3, 4])
        #expect(a.members(offset: 1, limit: 5) == [3, 4])
    }
}
