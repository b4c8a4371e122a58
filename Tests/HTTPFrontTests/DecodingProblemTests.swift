import Foundation
@testable import HTTPFront
import Testing

@Suite struct DecodingProblemTests {
    struct Body: Decodable {
        struct Step: Decodable {
            var eventType: String
            @WholeNumber var within: Int?
            enum CodingKeys: String, CodingKey { case eventType = "event_type", within }
        }
        var steps: [Step]
        var names: [String: Int]?
    }

    func problem(_ json: String) -> DecodingProblem? {
        do { _ = try JSONDecoder().decode(Body.self, from: Data(json.utf8)); return nil } catch let error as DecodingError {
            return DecodingProblem(error)
        } catch { return nil }
    }

    @Test(arguments: [
        (#"{"steps":[{"event_type":"a"},{"event_type":true}]}"#, "steps[1].event_type", "must be a string"),
        (#"{"steps":[{"event_type":"a"},{}]}"#, "steps[1].event_type", "is required"),
        (#"{"steps":[{"event_type":null}]}"#, "steps[0].event_type", "is required"),
        (#"{"steps":[{"event_type":"a","within":0.5}]}"#, "steps[0].within", "must be an integer"),
        (#"{"steps":[{"event_type":"a","within":false}]}"#, "steps[0].within", "must be an integer"),
        (#"{"steps":{}}"#, "steps", "must be an array"),
        (#"{"steps":[3]}"#, "steps[0]", "must be an object"),
        (#"{"steps":[],"names":{"5":"x"}}"#, "names.5", "must be an integer"),
    ])
    func pathsAndMessagesNameTheField(_ json: String, _ path: String, _ message: String) throws {
        let found = try #require(problem(json))
        #expect(found.path == path)
        #expect(found.message == message)
        #expect(!found.isSyntax)
    }

    @Test func brokenJSONIsASyntaxProblemOfTheWholeBody() throws {
        let found = try #require(problem(#"{"steps":["#))
        #expect(found.isSyntax && found.path.isEmpty)
    }
}
