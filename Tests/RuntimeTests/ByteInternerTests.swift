import Testing
import TestSupport
@testable import Runtime

@Suite struct ByteInternerTests {
    @Test func internsDenselyAndFindsAgain() {
        var interner = ByteInterner(capacity: 4)
        var reference: [String: UInt32] = [:]
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<20_000 {
            let name = "user\(Int.random(in: 0..<5000, using: &rng))@example.com"
            let id = interner.intern(name)
            if let known = reference[name] { #expect(id == known) } else {
                #expect(Int(id) == reference.count)
                reference[name] = id
            }
        }
        for (name, id) in reference {
            #expect(interner.string(id) == name)
            #expect(interner.lookup(name) == id)
        }
        #expect(interner.lookup("nobody") == nil)
        #expect(interner.intern("") == UInt32(reference.count))
    }
}
