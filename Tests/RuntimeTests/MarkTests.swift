import Testing
import TestSupport
@testable import Runtime

@Suite struct MarkTests {
    static func mark(_ id: Int, at ms: Int64, _ category: Mark.Category = .release, scope: Mark.Scope = .public, by creator: String = "ann",
                     source: Mark.Source = .api) -> Mark {
        Mark(id: id, title: "m\(id)", description: nil, timestampMs: ms, category: category, sourceRef: nil, scope: scope, metadata: nil,
             source: source, creator: creator, createdMs: ms)
    }

    @Test func createAndDeleteKeepIdsGrowing() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        #expect(state.nextMarkID == 1)
        try state.apply(.create(Self.mark(state.nextMarkID, at: 10)))
        try state.apply(.create(Self.mark(state.nextMarkID, at: 20)))
        try state.apply(MarkEdit.delete(id: 2))
        #expect(state.nextMarkID == 3)
        #expect(state.marks.byID.keys.sorted() == [1])
        #expect(state.refusal(of: MarkEdit.delete(id: 2)) == .unknownMark(2))
        #expect(state.refusal(of: .create(Self.mark(1, at: 5))) == .idInUse(1))
    }

    @Test func aPrivateMarkIsSeenByItsCreatorAlone() {
        let mark = Self.mark(1, at: 0, scope: .private, by: "ann")
        #expect(mark.isVisible(to: "ann"))
        #expect(!mark.isVisible(to: "bob"))
        #expect(Self.mark(2, at: 0, by: "ann").isVisible(to: "bob"))
    }

    /// The query against a plain filter over random marks, with a fixed seed.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func listingMatchesAPlainFilter(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var marks = Marks()
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        for id in 1...200 {
            let mark = Self.mark(id, at: Int64(rng.next() % 50), Mark.Category.allCases[Int(rng.next() % 3)],
                                 scope: rng.next() % 3 == 0 ? .private : .public, by: ["ann", "bob"][Int(rng.next() % 2)],
                                 source: Mark.Source.allCases[Int(rng.next() % 3)])
            try state.apply(.create(mark))
        }
        marks = state.marks
        for _ in 0..<50 {
            let from: Int64? = rng.next() % 2 == 0 ? Int64(rng.next() % 50) : nil
            let query = MarkQuery(viewer: ["ann", "bob", "cy"][Int(rng.next() % 3)], fromMs: from, toMs: from.map { $0 + Int64(rng.next() % 20) },
                                  category: rng.next() % 2 == 0 ? Mark.Category.allCases[Int(rng.next() % 3)] : nil,
                                  source: rng.next() % 3 == 0 ? Mark.Source.allCases[Int(rng.next() % 3)] : nil, limit: Int(rng.next() % 30) + 1)
            var expected: [Mark] = []
            for mark in marks.byID.values {
                if mark.scope == .private && mark.creator != query.viewer { continue }
                if let f = query.fromMs, mark.timestampMs < f { continue }
                if let t = query.toMs, mark.timestampMs > t { continue }
                if let c = query.category, mark.category != c { continue }
                if let s = query.source, mark.source != s { continue }
                expected.append(mark)
            }
            expected.sort { $0.timestampMs != $1.timestampMs ? $0.timestampMs > $1.timestampMs : $0.id > $1.id }
            let found = marks.matching(query)
            #expect(found.total == expected.count, "seed \(seed)")
            #expect(found.marks == Array(expected.prefix(query.limit)), "seed \(seed)")
        }
    }
}
