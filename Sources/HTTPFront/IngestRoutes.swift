import Actors
import Foundation
import Hummingbird
import Runtime
import Snapshot

/// Native ingestion: `POST /ingest`, `POST /ingest/merge`, `POST /ingest/error`.
struct IngestRoutes {
    let parsers: IngestParserPool
    let bodyLimit: Int

    func add(to router: Router<BeaconRequestContext>) {
        router.post("/ingest", use: ingest)
        router.post("/ingest/merge", use: merge)
        router.post("/ingest/error", use: error)
    }

    struct IngestAnswer: Encodable { var accepted: Int; var anonymousId: String? }

    @Sendable func ingest(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await request.body.collect(upTo: bodyLimit)
        let batch: ParsedBatch
        do {
            batch = try body.withUnsafeReadableBytes { bytes throws(IngestParseError) in try parsers.parse(bytes) }
        } catch {
            throw Self.apiError(index: error.index, field: error.field, message: error.message)
        }
        do {
            // Compressed here, on the request's task, so the actor only appends the result.
            let packed = tenant.logsWrites ? try body.withUnsafeReadableBytes { try PackedBody.pack($0) } : nil
            let receipt = try await tenant.ingest(batch, body: packed, visitor: context.visitor(request))
            return try JSONResponse.make(IngestAnswer(accepted: receipt.accepted, anonymousId: receipt.anonymousID))
        } catch let error as IngestValidationError {
            throw Self.apiError(index: error.index, field: error.field, message: error.message)
        }
    }

    /// "events[3].timestamp: is more than ..." for batches, "timestamp: ..." for a single event.
    static func apiError(index: Int?, field: String, message: String) -> APIError {
        let path = index.map { "events[\($0)].\(field)" } ?? field
        return APIError(.badRequest, code: "invalid_field", message: "\(path): \(message)", field: path)
    }

    struct MergeAnswer: Encodable { var merged: Bool; var movedEvents: Int; var userEmail: String }

    @Sendable func merge(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(MergeBody.self, from: request, limit: bodyLimit)
        let anonymousID = try BodyField.requiredText(body.anonymousID, "anonymous_id")
        let user = try BodyField.requiredText(body.userEmail, "user_email")
        switch try await tenant.merge(anonymousID: anonymousID, into: user) {
        case .merged(let moved):
            return try JSONResponse.make(MergeAnswer(merged: true, movedEvents: moved, userEmail: user))
        case .alreadyMerged:
            return try JSONResponse.make(MergeAnswer(merged: false, movedEvents: 0, userEmail: user))
        case .conflict(let existing):
            throw APIError(.conflict, code: "conflict",
                           message: "anonymous_id: '\(anonymousID)' already belongs to '\(existing)'", field: "anonymous_id")
        }
    }

    static let errorTypes: Set<String> = ["js_error", "api_error", "not_found", "network_error", "other"]

    @Sendable func error(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let report = try await JSONBody.decode(ErrorReportBody.self, from: request, limit: bodyLimit)
        let page = try BodyField.requiredText(report.pageURL, "page_url")
        let errorType = try BodyField.requiredText(report.errorType, "error_type")
        guard Self.errorTypes.contains(errorType) else {
            throw APIError.badRequest(field: "error_type", "must be one of \(Self.errorTypes.sorted().joined(separator: ", "))")
        }
        var properties = [EventInput.Property("error_type", errorType)]
        if let message = try BodyField.text(report.errorMessage, "error_message") {
            guard message.utf8.count <= 500 else { throw APIError.badRequest(field: "error_message", "is longer than 500 characters") }
            properties.append(.init("error_message", message))
        }
        if let status = report.statusCode {
            guard (100...599).contains(status) else { throw APIError.badRequest(field: "status_code", "must be an HTTP status between 100 and 599") }
            properties.append(.init("status_code", String(status)))
        }
        let event = EventInput(eventType: "page_error", user: try BodyField.text(report.userEmail, "user_email"),
                               account: try BodyField.text(report.accountID, "account_id"), page: page,
                               timestampMs: try BodyField.timestamp(report.timestamp, "timestamp"), properties: properties)
        do {
            let receipt = try await tenant.ingest([event], visitor: context.visitor(request))
            return try JSONResponse.make(IngestAnswer(accepted: receipt.accepted, anonymousId: receipt.anonymousID))
        } catch let error as IngestValidationError {
            throw APIError.badRequest(field: error.field, error.message)
        }
    }
}
