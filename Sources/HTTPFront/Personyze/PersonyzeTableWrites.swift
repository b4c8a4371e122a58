import Actors
import Runtime

/// Writes to the Personyze API's own tables: placeholders and grab-variable containers (fixed
/// columns, with the seed's defaults) and the product and article catalogues (free columns,
/// upsert on `internal_id`, `image_1..3` stored under their `image_*_url` names).
enum PersonyzeTableWrites {
    enum Kind { case text, count, flag, yesNo }

    /// The columns of the configuration tables; the catalogues take any column.
    static func schema(_ table: PersonyzeTables.Table) -> [String: Kind]? {
        switch table {
        case .placeholders: ["name": .text, "html_id": .text, "units_count_max": .count]
        case .grabVariables: ["name": .text, "is_active": .flag, "variable_path": .text, "mask": .text, "constant_value": .text,
                              "watch_variable": .flag, "profile_column": .text]
        case .products: ["is_in_stock": .yesNo]
        case .articles: ["is_published": .yesNo]
        }
    }

    static let defaults: [PersonyzeTables.Table: Row] = [
        .placeholders: ["units_count_max": .int(1)],
        .grabVariables: ["is_active": .int(1), "watch_variable": .int(0)],
    ]

    static let renamed = ["image_1": "image_big_url", "image_2": "image_medium_url", "image_3": "image_small_url"]
    /// Columns the server keeps: a client may not set them.
    static let assigned: Set<String> = ["id", "data_last_modified"]

    /// The body's columns as cells, checked against the table; nil values remove columns.
    static func values(_ fields: [String: JSONValue], _ table: PersonyzeTables.Table) throws -> [String: RowValue?] {
        let schema = schema(table)!
        var out: [String: RowValue?] = [:]
        for key in fields.keys.sorted() {
            try PersonyzeBody.checkColumn(key)
            if assigned.contains(key) { throw APIError.badRequest(field: key, "is assigned by the server") }
            let column = table.isCatalogue ? renamed[key] ?? key : key
            guard table.isCatalogue || schema[column] != nil else {
                throw APIError.badRequest(field: key, "is not a column of \(table.rawValue) (\(schema.keys.sorted().joined(separator: ", ")))")
            }
            if column == "internal_id" {
                out[column] = .some(try PersonyzeBody.text(fields[key], field: key, maxBytes: 256).map(RowValue.text))
                continue
            }
            let cell = try PersonyzeBody.cell(fields[key]!, field: key)
            switch schema[column] {
            case .count?:
                out[column] = .some(try PersonyzeBody.whole(fields[key], field: key, in: 0...1_000).map { .int(Int64($0)) })
            case .flag?:
                out[column] = .some(try PersonyzeBody.whole(fields[key], field: key, in: 0...1).map { .int(Int64($0)) })
            case .yesNo?:
                guard cell == nil || cell == .text("yes") || cell == .text("no") else { throw APIError.badRequest(field: key, "must be 'yes' or 'no'") }
                out[column] = .some(cell)
            case .text?:
                guard cell == nil || { if case .text = cell! { true } else { false } }() else { throw APIError.badRequest(field: key, "must be a string") }
                out[column] = .some(cell)
            case nil:
                out[column] = .some(cell)
            }
        }
        return out
    }

    static func insert(_ table: PersonyzeTables.Table, _ fields: [String: JSONValue], _ tenant: TenantActor) async throws -> Int {
        var values = try values(fields, table)
        if !table.isCatalogue { for (key, value) in defaults[table] ?? [:] where values[key] == nil { values[key] = .some(value) } }
        let written = values
        if table.isCatalogue {
            guard case .some(.some(.text(let key))) = written["internal_id"] else { throw APIError.badRequest(field: "internal_id", "is required: the row's id in your catalogue") }
            let edit = try await PersonyzeWrites.commit(tenant) { state, now in
                let rows = state.personyze[table]
                let id = rows.byInternalID[key] ?? rows.nextID
                return .putRows(table, [.init(id: id, values: written)], nowMs: now)
            }
            return id(of: edit)
        }
        let edit = try await PersonyzeWrites.commit(tenant) { state, now in
            .putRows(table, [.init(id: state.personyze[table].nextID, values: written)], nowMs: now)
        }
        return id(of: edit)
    }

    static func id(of edit: PersonyzeEdit) -> Int {
        guard case .putRows(_, let writes, _) = edit else { return 0 }
        return writes.first?.id ?? 0
    }

    static func update(_ table: PersonyzeTables.Table, _ query: RowQuery, _ fields: [String: JSONValue], _ tenant: TenantActor) async throws -> Int {
        let values = try values(fields, table)
        if table.isCatalogue, case .some(nil) = values["internal_id"] { throw APIError.badRequest(field: "internal_id", "cannot be removed: the catalogue is keyed by it") }
        let edit = try await PersonyzeWrites.commit(tenant) { state, now in
            let ids = try PersonyzeWrites.chosen(query, state.personyze[table]).compactMap { $0["id"]?.wholeNumber.map(Int.init) }
            return .putRows(table, ids.map { .init(id: $0, values: values) }, nowMs: now)
        }
        guard case .putRows(_, let writes, _) = edit else { return 0 }
        return writes.count
    }

    static func delete(_ table: PersonyzeTables.Table, _ query: RowQuery, _ tenant: TenantActor) async throws -> Int {
        let edit = try await PersonyzeWrites.commit(tenant) { state, _ in
            let ids = try PersonyzeWrites.chosen(query, state.personyze[table]).compactMap { $0["id"]?.wholeNumber.map(Int.init) }
            return .deleteRows(table, ids: ids)
        }
        guard case .deleteRows(_, let ids) = edit else { return 0 }
        return ids.count
    }
}
