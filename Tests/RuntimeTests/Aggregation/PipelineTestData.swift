import Foundation
import TestSupport
@testable import Runtime

/// Plain rows for the operator tests, and a `PipelineData` that serves them as every source.
struct PlainRow: Equatable {
    var visitor: String
    var account: String?
    var day: Int
    var numEvents: Int
    var numMinutes: Int
    var agent: String
    var tags: [String]

    var row: PipelineRow {
        ["visitorId": .string(visitor), "accountId": account.map(PipelineValue.string) ?? .null, "day": PipelineValue(day),
         "numEvents": PipelineValue(numEvents), "numMinutes": PipelineValue(numMinutes), "userAgent": .string(agent),
         "tags": .list(tags.map(PipelineValue.string))]
    }

    static func random(_ count: Int, _ rng: inout SeededGenerator) -> [PlainRow] {
        (0..<count).map { _ in
            PlainRow(visitor: (rng.chance(0.2) ? "_PENDO_T_" : "v") + String(Int.random(in: 0..<40, using: &rng)),
                     account: rng.chance(0.1) ? nil : "a\(Int.random(in: 0..<6, using: &rng))",
                     day: 1_700_000_000_000 + 86_400_000 * Int.random(in: 0..<5, using: &rng),
                     numEvents: Int.random(in: 1...50, using: &rng), numMinutes: Int.random(in: 1...20, using: &rng),
                     agent: ["Chrome", "Firefox", "Safari"][Int.random(in: 0..<3, using: &rng)],
                     tags: (0..<Int.random(in: 0...3, using: &rng)).map { _ in ["x", "y", "z"][Int.random(in: 0..<3, using: &rng)] })
        }
    }
}

struct ListData: PipelineData {
    var rowsBySource: [PipelineSource.Kind: [PipelineRow]] = [:]
    var objects: [String: PipelineValue] = [:]
    var segments: [String: Set<String>] = [:]

    func rows(_ source: PipelineSource, _ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow] {
        for _ in rowsBySource[source.kind] ?? [] { try budget.tick() }
        return rowsBySource[source.kind] ?? []
    }
    func lookup(_ kind: PipelineStage.Lookup.Kind, id: String) -> PipelineValue { objects["\(kind.rawValue):\(id)"] ?? .null }
    func segmentMembership(_ id: String) -> ((String) -> Bool)? { segments[id].map { members in { members.contains($0) } } }
    func itemUse(visitor: String, item: PipelineStage.ItemKind, id: String) -> PipelineValue { .object(["lastUsed": .null, "numEvents": PipelineValue(0)]) }
    func metric(_ metric: PipelineMetric, _ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow] { [] }
}

enum PipelineHarness {
    static let environment = PipelineEnvironment(nowMs: 1_700_400_000_000, calendar: TenantCalendar(timeZone: TimeZone(identifier: "UTC")!),
                                                 isIdentified: { !$0.hasPrefix("_PENDO_T_") })

    /// Parses the JSON text of a pipeline and runs it over `data`.
    static func run(_ json: String, _ data: some PipelineData, maximumRows: Int = 1_000_000, pastDeadline: Bool = false) throws -> [PipelineRow] {
        let value = try pipelineValue(json)
        var parser = PipelineParser(environment: environment)
        let stages = try parser.parse(value)
        var runner = PipelineRunner(data: data, environment: environment, budget: PipelineBudget(maximumRows: maximumRows) { pastDeadline })
        return try runner.run(stages)
    }

    /// Parses and runs a pipeline over a tenant's state at `now`, on the fast paths or only the general one.
    static func run(_ state: TenantState, now: Int64, _ json: String, fused: Bool = true) throws -> [PipelineRow] {
        let data = TenantPipelineData(state: state)
        data.allowsFusedPaths = fused
        let environment = data.environment(nowMs: now)
        var parser = PipelineParser(environment: environment)
        var runner = PipelineRunner(data: data, environment: environment, budget: PipelineBudget { false })
        return try runner.run(try parser.parse(try pipelineValue(json)))
    }

    static func pipelineValue(_ json: String) throws -> PipelineValue {
        try JSONDecoder().decode(DecodedValue.self, from: Data(json.utf8)).value
    }

    /// JSON into a `PipelineValue`, booleans kept apart from numbers.
    struct DecodedValue: Decodable {
        var value: PipelineValue
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { value = .null }
            else if let b = try? c.decode(Bool.self) { value = .bool(b) }
            else if let n = try? c.decode(Double.self) { value = .number(n) }
            else if let s = try? c.decode(String.self) { value = .string(s) }
            else if let a = try? c.decode([DecodedValue].self) { value = .list(a.map(\.value)) }
            else { value = .object(try c.decode([String: DecodedValue].self).mapValues(\.value)) }
        }
    }

    /// The error a pipeline fails with.
    static func failure(_ json: String, _ data: some PipelineData = ListData()) -> PipelineError? {
        do { _ = try run(json, data); return nil } catch let error as PipelineError { return error } catch { return nil }
    }
}
