import Testing
@testable import Snapshot

/// A mutation decodes back to itself from its record, and no cut of the record decodes at all.
func expectRoundTrip(_ mutation: Mutation, type: UInt8, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(mutation.typeCode == type, sourceLocation: sourceLocation)
    let payload = mutation.encodedPayload()
    #expect(try Mutation.decoded(type: type, payload: payload) == mutation, sourceLocation: sourceLocation)
    for cut in 0..<payload.count {
        #expect(Mutation.decode(type: type, payload: Array(payload.prefix(cut))) == nil, "cut at \(cut)", sourceLocation: sourceLocation)
    }
}
