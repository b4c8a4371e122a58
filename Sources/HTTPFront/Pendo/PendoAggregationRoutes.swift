import Actors
import Hummingbird
import Runtime

/// `POST /pendo/api/v1/aggregation` (docs/pendo.md, "The aggregation pipeline"): the seed's
/// envelope in, `{"results": [...]}` out (CSV with `response.mimeType` `text/csv`). The route
/// parses and renders; the pipeline runs in Runtime on an immutable view, off the actor.
struct PendoAggregationRoutes {
    static let path = "/pendo/api/v1/aggregation"
    /// The seed allows five minutes; Beacon gives a pipeline this long before a 408.
    let timeBudget: Duration

    init(timeBudget: Duration = .seconds(30)) { self.timeBudget = timeBudget }

    func add(to router: Router<BeaconRequestContext>) {
        router.post(RouterPath(stringLiteral: Self.path), use: aggregate)
    }

    struct Envelope: Sendable {
        var csv: Bool
        var pipeline: PipelineValue
    }

    static func envelope(_ body: JSONValue) throws -> Envelope {
        let top = try WorkspaceRoutes.object(body, allowed: ["response", "request"])
        var csv = false
        if let response = top["response"], !response.isNull {
            let fields = try WorkspaceRoutes.object(response, allowed: ["mimeType"], field: "response")
            if let value = fields["mimeType"], !value.isNull, value.string == nil { throw APIError.badRequest(field: "response.mimeType", "must be a string") }
            switch fields["mimeType"].flatMap(\.string) ?? "application/json" {
            case "application/json": break
            case "text/csv": csv = true
            default: throw APIError.badRequest(field: "response.mimeType", "must be \"application/json\" or \"text/csv\"")
            }
        }
        guard let request = top["request"] else { throw APIError.badRequest(field: "request", "is required: {\"pipeline\": [...]}") }
        let fields = try WorkspaceRoutes.object(request, allowed: ["name", "pipeline", "requestId"], field: "request")
        for key in ["name", "requestId"] {
            if let value = fields[key], !value.isNull, value.string == nil { throw APIError.badRequest(field: "request.\(key)", "must be a string") }
        }
        guard let pipeline = fields["pipeline"] else { throw APIError.badRequest(field: "request.pipeline", "is required: a list of stages") }
        return Envelope(csv: csv, pipeline: PipelineValue(pipeline))
    }

    static func apiError(_ error: PipelineError) -> APIError {
        let (status, code): (HTTPResponse.Status, String) = switch error.kind {
        case .invalid: (.badRequest, "invalid_pipeline")
        case .notFound: (.notFound, "not_found")
        case .notSupported: (.notImplemented, "not_supported")
        case .tooLarge: (.contentTooLarge, "query_too_large")
        case .tooSlow: (.requestTimeout, "query_timeout")
        }
        return APIError(status, code: code, message: "\(error.location): \(error.description)", field: error.location)
    }

    @Sendable func aggregate(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 20)
        let envelope = try Self.envelope(body)
        let details = try QueryParameters(request).flag("details", default: false)
        let nowMs = tenant.now()
        let deadline = ContinuousClock.now + timeBudget
        let outcome: Result<(rows: [PipelineRow], validThrough: Int64?), PipelineError> = try await tenant.scan(.segments) { state in
            let data = TenantPipelineData(state: state)
            let environment = data.environment(nowMs: nowMs)
            do throws(PipelineError) {
                var parser = PipelineParser(environment: environment)
                let stages = try parser.parse(envelope.pipeline)
                var runner = PipelineRunner(data: data, environment: environment, budget: PipelineBudget { ContinuousClock.now > deadline })
                return .success((try runner.run(stages), state.newestTimestampMs))
            } catch {
                return .failure(error)
            }
        }
        let (rows, validThrough) = try outcome.mapError(Self.apiError).get()
        if envelope.csv { return Self.csv(rows) }
        var json = JSONWriter(capacity: 256 + rows.count * 128)
        json.object { out in
            out.key("results")
            out.array { list in for row in rows { PipelineValue.object(row).write(to: &list) } }
            if details {
                out.key("details")
                out.object { d in
                    d.key("validThrough")
                    d.object { v in
                        v.key(text: String(PipelineEnvironment.appID))
                        if let validThrough { v.value(Int(validThrough)) } else { v.raw(Array("null".utf8)) }
                    }
                }
            }
        }
        return json.response()
    }

    /// One column per top-level field, in the order fields first appear; nested values as JSON.
    static func csv(_ rows: [PipelineRow]) -> Response {
        var columns: [String] = []
        var seen: Set<String> = []
        for row in rows {
            for key in row.keys.sorted() where seen.insert(key).inserted { columns.append(key) }
        }
        var out = CSVWriter(capacity: rows.count * 64)
        out.row(columns)
        for row in rows { out.row(columns.map { row[$0]?.csvText ?? "" }) }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: out.bytes)))
    }
}
