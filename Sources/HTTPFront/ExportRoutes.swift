import Actors
import Hummingbird
import Runtime

/// `GET /api/export` (docs/export.md): users, accounts, events or feature adoption over the last
/// `days` (a segment's users only with `segment_id`), as CSV written while it is read. Events
/// go one chunk of the log at a time, rendered on the scan pool from an immutable view, so a
/// 10M-event export holds one chunk's text at a time.
struct ExportRoutes {
    enum Kind: String, CaseIterable { case users, accounts, events, featureAdoption = "feature_adoption" }

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/export", use: export)
    }

    @Sendable func export(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        guard let text = query.string("type") else { throw APIError.badRequest(field: "type", "is required: users, accounts, events or feature_adoption") }
        guard let kind = Kind(rawValue: text) else { throw APIError.badRequest(field: "type", "must be users, accounts, events or feature_adoption, got '\(text)'") }
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let segment = try query.segmentID()
        let view = try await tenant.view(segment == nil ? .none : .segments)
        var among: Bitmap?
        if let segment {
            guard let members = view.segments.byID[segment]?.members else { throw APIError(.notFound, code: "not_found", message: "segment_id: no segment \(segment)", field: "segment_id") }
            among = members
        }
        let kept = among
        let body = ResponseBody { writer in
            switch kind {
            case .events:
                var header = CSVWriter()
                header.row(["timestamp", "event_type", "user", "account", "page", "properties"])
                try await writer.write(ByteBuffer(bytes: header.bytes))
                for n in 0..<view.log.chunkCount {
                    let bytes = try await ScanPool.shared.run { Self.eventRows(view, chunk: n, range, among: kept) }
                    if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
                }
            case .users, .accounts, .featureAdoption:
                let bytes = try await ScanPool.shared.run { Self.table(kind, view, range, among: kept) }
                try await writer.write(ByteBuffer(bytes: bytes))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(kind.rawValue).csv\""],
                        body: body)
    }

    /// One chunk's rows, written byte by byte: names straight from the interners, each property
    /// set's JSON rendered once per chunk (a tenant has far fewer sets than events).
    static func eventRows(_ state: TenantState, chunk n: Int, _ range: DayRange, among: Bitmap?) -> [UInt8] {
        let (columns, rows) = state.exportRows(ofChunk: n, range, among: among)
        var csv = CSVWriter(capacity: rows.count * 160)
        var propertyFields: [UInt32: [UInt8]] = [:]
        for row in rows {
            csv.timestampField(columns.timestamps[row], first: true)
            state.eventTypeNames.withBytes(of: columns.types[row]) { csv.field($0) }
            state.userNames.withBytes(of: state.users.canonical(columns.users[row])) { csv.field($0) }
            let account = columns.accounts[row], page = columns.pages[row]
            if account == AccountIndex.none.rawValue { csv.emptyField() } else { state.accountNames.withBytes(of: account) { csv.field($0) } }
            if page == PageIndex.none.rawValue { csv.emptyField() } else { state.pageNames.withBytes(of: page) { csv.field($0) } }
            let set = columns.propertySets[row]
            if set == PropertySetIndex.empty.rawValue {
                csv.plainField("{}")
            } else {
                let field = propertyFields[set] ?? {
                    var one = CSVWriter()
                    one.field(JSONValue.object(state.propertySets.decoded(PropertySetIndex(set)).mapValues { .string($0) }).jsonText, first: true)
                    propertyFields[set] = one.bytes
                    return one.bytes
                }()
                csv.writtenField(field)
            }
            csv.endRow()
        }
        return csv.bytes
    }

    static func table(_ kind: Kind, _ state: TenantState, _ range: DayRange, among: Bitmap?) -> [UInt8] {
        var csv = CSVWriter()
        switch kind {
        case .users:
            csv.row(["user", "first_seen", "last_seen", "events", "account", "external_id", "anonymous"])
            for u in state.exportUsers(range, among: among) {
                let s = state.users[u]
                csv.row([state.userNames.string(u), s.eventCount > 0 ? ISOText.timestamp(s.firstSeen) : "", s.eventCount > 0 ? ISOText.timestamp(s.lastSeen) : "",
                         String(s.eventCount), s.account == AccountIndex.none.rawValue ? "" : state.accountNames.string(s.account),
                         s.externalID == .max ? "" : state.externalIDs.string(s.externalID), s.isAnonymous ? "true" : "false"])
            }
        case .accounts:
            csv.row(["account", "users", "active_users", "events", "first_seen", "last_seen", "health_score", "health_status", "owner", "industry", "company_size"])
            let page = state.accountList(range, filter: AccountFilter(segment: nil), order: .name, offset: 0, limit: .max)
            let health = Dictionary(uniqueKeysWithValues: state.accountHealth(asOf: range.last).map { (state.accountNames.string($0.account.rawValue), $0) })
            let members = among.map { m in Set(state.accounts.users.indices.filter { state.accounts.users[$0].intersectionCount(m) > 0 }.map { state.accountNames.string(UInt32($0)) }) }
            for u in page.rows where members.map({ $0.contains(u.account) }) ?? true {
                let h = health[u.account]
                csv.row([u.account, String(u.users), String(u.activeUsers), String(u.events), u.firstSeenMs.map(ISOText.timestamp) ?? "",
                         u.lastSeenMs.map(ISOText.timestamp) ?? "", h.map { String($0.score) } ?? "", h?.status.rawValue ?? "", u.profile.owner ?? "",
                         u.profile.properties["industry"] ?? "", u.profile.properties["company_size"] ?? ""])
            }
        case .featureAdoption:
            csv.row(["event_type", "users", "active_users", "adoption_rate", "events", "accounts"])
            for r in state.featureAdoption(range) {
                csv.row([r.adoption.eventType, String(r.adoption.users), String(r.adoption.activeUsers), String(r.adoption.rate), String(r.adoption.events), String(r.accounts)])
            }
        case .events:
            break
        }
        return csv.bytes
    }
}
