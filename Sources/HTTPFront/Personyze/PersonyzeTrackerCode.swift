import Actors
import Foundation
import Hummingbird

/// `tracker_code`: the HTML that loads Beacon's tracker for this tenant, shaped like the seed's
/// snippet (load the script asynchronously, then set it up with the account's key). The key is
/// the tenant's first public key (config.json `public_keys`), never the secret key the request
/// used; the host is the one the request reached.
struct PersonyzeTrackerCode: Sendable {
    let registry: TenantRegistry
    let grants: [String: APIKeyGrant]

    func publicKey(of tenant: TenantActor) -> String? {
        grants.filter { $0.value.isPublic }.keys.sorted().first { registry.configuredTenant(forKey: $0)?.id == tenant.id }
    }

    func response(_ request: Request, tenant: TenantActor) -> Response {
        let host = request.head.authority ?? "localhost"
        let scheme = request.headers[.init("x-forwarded-proto")!] == "https" ? "https" : "http"
        let origin = "\(scheme)://\(host)"
        let key = publicKey(of: tenant)
        var html = ""
        if key == nil { html += "<!-- tenant \(Self.comment(tenant.id)) has no public key: add one under public_keys in config.json -->\n" }
        html += """
        <script>(function(s){
            s.async = true;
            s.src = \(Self.js(origin + "/tracker.js"));
            s.onload = function() {
                beacon.init({ key: \(Self.js(key ?? "")), host: \(Self.js(origin)) });
            };
            (document.querySelector('head') || document.documentElement).appendChild(s);
        }(document.createElement('script')))</script>

        """
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A JavaScript string literal that cannot close the script element.
    static func js(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"", "\\", "<", ">", "&", "'": out += "\\u" + String(format: "%04x", scalar.value)
            default: if scalar.value < 0x20 { out += "\\u" + String(format: "%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    static func comment(_ text: String) -> String { text.replacingOccurrences(of: "--", with: "- -").replacingOccurrences(of: ">", with: "") }
}
