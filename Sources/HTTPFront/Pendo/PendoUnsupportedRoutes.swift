import Hummingbird

/// The seed's Data Sync and Feedback (Listen) requests: Beacon has neither, and says so with a
/// 501 naming what it offers instead (docs/pendo.md, Not supported).
struct PendoUnsupportedRoutes {
    static let dataSync = "Data Sync is not supported: Beacon keeps no export destinations. Read the data through GET /api/export, the SQL route (POST /api/v1/sql) or the aggregation API"
    static let feedback = "Feedback (Listen) is not supported: Beacon has no feedback items, votes or product-area ideas. Send feedback as track events (POST /pendo/data/track) to analyse it"

    func add(to router: Router<BeaconRequestContext>) {
        for storage in ["gcs", "s3", "azure"] {
            router.put("/pendo/api/v1/datasync/storageTypes/\(storage)/destinations/Default/credentials") { _, _ -> Response in
                throw Self.notSupported(Self.dataSync, field: "datasync")
            }
        }
        router.get("/pendo/api/v1/feedback/options") { _, _ -> Response in throw Self.notSupported(Self.feedback, field: "feedback") }
        router.post("/pendo/api/v1/feedback") { _, _ -> Response in throw Self.notSupported(Self.feedback, field: "feedback") }
        router.patch("/pendo/api/v1/feedback/:id") { _, _ -> Response in throw Self.notSupported(Self.feedback, field: "feedback") }
    }

    static func notSupported(_ message: String, field: String) -> APIError {
        APIError(.notImplemented, code: "not_supported", message: "\(field): \(message)", field: field)
    }
}
