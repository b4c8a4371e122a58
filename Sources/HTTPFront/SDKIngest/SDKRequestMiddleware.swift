import CompressNIO
import Foundation
import Hummingbird
import NIOCore
import Runtime
import Synchronization

/// Reads the body of an SDK route before the auth middleware: inflates gzip (PostHog and Segment
/// send it), takes Mixpanel's form field `data` (JSON or base64 JSON), parses the JSON once for
/// the route (`context.sdkBody`), and moves the key from where the SDK puts it (HTTP Basic user,
/// a body field) to `context.sdkKey`, which the auth middleware reads when no key header came, so
/// auth, roles, rate limits and idempotency work as on every route.
struct SDKRequestMiddleware: RouterMiddleware {
    typealias Context = BeaconRequestContext
    let bodyLimit: Int
    let translators = SDKTranslatorPool()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, SDKDialect.of(path: request.uri.path) != nil else { return try await next(request, context) }
        var bytes = try await request.body.collect(upTo: bodyLimit)
        if Self.isGzip(request, bytes) { bytes = try inflate(bytes) }
        let isForm = request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
        var context = context
        var request = request
        request.body = .init(buffer: bytes)
        // The common messages go straight into the native batch; the rest through a JSON tree.
        if !isForm, let dialect = SDKTranslator.dialect(ofPath: SDKDialect.normalized(request.uri.path)),
           let translated = translators.translate(bytes, dialect: dialect) {
            let key = Self.basicUser(request) ?? translated.key
            if key != nil || AuthMiddleware.apiKey(in: request) != nil {
                context.sdkFast = translated
                context.sdkKey = key
                return try await next(request, context)
            }
        }
        var formKey: String?
        if isForm {
            let form = Self.formFields(String(buffer: bytes))
            guard let data = form["data"] else { throw APIError.badRequest(field: "data", "is required (the form field holding the JSON)") }
            bytes = ByteBuffer(string: Self.decodedData(data))
            formKey = form["api_key"].flatMap { $0.isEmpty ? nil : $0 }
            request.body = .init(buffer: bytes)
        }
        let body = try Self.parseJSON(bytes)
        context.sdkBody = body
        context.sdkKey = Self.basicUser(request) ?? SDKDialect.key(in: body) ?? formKey ?? request.uri.queryParameters.get("token").map { String($0) }
        return try await next(request, context)
    }

    static func parseJSON(_ bytes: ByteBuffer) throws -> JSONValue {
        do {
            return try bytes.withUnsafeReadableBytes { raw throws(JSONValueParser.Failure) in try JSONValueParser.parse(raw) }
        } catch {
            throw APIError(.badRequest, code: "invalid_json", message: "body: is not valid JSON (at byte \(error.offset): \(error.reason))", field: "body")
        }
    }

    /// `Content-Encoding: gzip`, PostHog's `?compression=gzip-js`, or a body that starts as gzip does.
    static func isGzip(_ request: Request, _ bytes: ByteBuffer) -> Bool {
        if request.headers[.contentEncoding]?.lowercased() == "gzip" { return true }
        if request.uri.queryParameters.get("compression") == "gzip-js" { return true }
        return bytes.readableBytes >= 2 && bytes.getInteger(at: bytes.readerIndex, as: UInt16.self) == 0x1F8B
    }

    /// At most `bodyLimit` bytes once inflated: a small bomb must not become a large body.
    func inflate(_ bytes: ByteBuffer) throws -> ByteBuffer {
        var compressed = bytes
        do {
            return try compressed.decompress(with: .gzip(), maxSize: bodyLimit)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw APIError(.contentTooLarge, code: "payload_too_large", message: "body: is larger than \(bodyLimit) bytes once inflated", field: "body")
        } catch {
            throw APIError.badRequest(field: "body", "is not valid gzip")
        }
    }

    /// The user of `Authorization: Basic base64(user:password)` (Segment's write key, Mixpanel's
    /// secret), or the password when the user is empty.
    static func basicUser(_ request: Request) -> String? {
        guard let value = request.headers[.authorization], value.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(value.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: decoded, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let user = parts.first.map(String.init) ?? ""
        if !user.isEmpty { return user }
        return parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
    }

    static func formFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.unescape(parts[0]), value = parts.count > 1 ? Self.unescape(parts[1]) : ""
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }

    private static func unescape(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Mixpanel's `data`: JSON as it is, or base64 of it (older libraries).
    static func decodedData(_ data: String) -> String {
        let trimmed = data.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { return trimmed }
        guard let decoded = Data(base64Encoded: trimmed, options: .ignoreUnknownCharacters), let text = String(data: decoded, encoding: .utf8) else { return trimmed }
        return text
    }
}

/// Reusable fast-path translators, so a request does not allocate simdjson's buffers anew.
final class SDKTranslatorPool: Sendable {
    private let idle = Mutex<[SDKTranslator]>([])

    func translate(_ bytes: ByteBuffer, dialect: Int32) -> SDKTranslatedBatch? {
        let translator = idle.withLock { $0.popLast() } ?? SDKTranslator()
        defer { idle.withLock { if $0.count < 16 { $0.append(translator) } } }
        return bytes.withUnsafeReadableBytes { translator.translate($0, dialect: dialect) }
    }
}
