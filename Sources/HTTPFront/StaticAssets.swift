import Hummingbird
import NIOCore
import Runtime

/// The dashboard (`/`, `/dashboard/...`) and the tracker (`/tracker.js`), served from the binary
/// (StaticAssetFiles.swift) without a key, with an ETag so a browser revalidates cheaply. The
/// dashboard is always revalidated (its names carry no version); the tracker, loaded by every page
/// of a customer's site, may be cached for an hour.
enum StaticAssets {
    struct Asset: Sendable {
        var body: ByteBuffer
        var contentType: String
        var etag: String
        var cacheControl: String
    }

    static let assets: [String: Asset] = Dictionary(uniqueKeysWithValues: files.map { path, text in
        var hash = FNV1a()
        hash.add(text.utf8)
        let type = path.hasSuffix(".js") ? "text/javascript; charset=utf-8" : path.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8"
        return (path, Asset(body: ByteBuffer(string: text), contentType: type, etag: "\"\(String(hash.value, radix: 16))\"",
                            cacheControl: path == "/tracker.js" ? "public, max-age=3600" : "no-cache"))
    })

    static func isStatic(_ path: String) -> Bool { assets[path] != nil }
}

struct StaticRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        for (path, asset) in StaticAssets.assets {
            router.get(RouterPath(path)) { request, _ in Self.serve(asset, request) }
        }
    }

    static func serve(_ asset: StaticAssets.Asset, _ request: Request) -> Response {
        var headers: HTTPFields = [.contentType: asset.contentType, .eTag: asset.etag, .cacheControl: asset.cacheControl,
                                   .init("X-Content-Type-Options")!: "nosniff"]
        if request.headers[.ifNoneMatch] == asset.etag {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }
}
