/// The stages that reshape rows: sort, group, expand, unwind, join and merge.
extension PipelineRunner {
    /// A stable sort: rows equal on every key keep their order. With a `limit` after it, only
    /// the first `limit` rows are kept as they come (a bounded insertion, not a full sort).
    static func sorted(_ rows: [PipelineRow], by keys: [PipelineStage.SortKey], limit: Int? = nil) -> [PipelineRow] {
        let keyed = rows.map { row in keys.map { k in row[path: k.field] } }
        return PipelineOrder.first(limit, count: rows.count, descending: keys.map(\.descending)) { keyed[$0][$1] }.map { rows[$0] }
    }

    /// One row per distinct combination of the key fields, in the order each first appeared.
    mutating func group(_ rows: [PipelineRow], keys: [FieldPath], fields: [PipelineStage.Aggregate], at: [Int]) throws(PipelineError) -> [PipelineRow] {
        var slots: [[PipelineValue]: Int] = [:]
        var groups: [(key: [PipelineValue], accumulators: [PipelineAccumulator])] = []
        let fresh = fields.map { PipelineAccumulator($0.aggregator) }
        for row in rows {
            try budget.tick()
            let key = keys.map { row[path: $0] }
            let slot: Int
            if let s = slots[key] { slot = s } else {
                slot = groups.count
                slots[key] = slot
                groups.append((key, fresh))
            }
            for i in fields.indices { try groups[slot].accumulators[i].add(row, &environment, at, fields[i].output) }
        }
        return groups.map { group in
            var out: PipelineRow = [:]
            for (path, value) in zip(keys, group.key) { out.set(path, value) }
            for (a, acc) in zip(fields, group.accumulators) { out.set(a.output, acc.result) }
            return out
        }
    }

    mutating func expand(_ rows: [PipelineRow], _ lookups: [PipelineStage.Lookup]) throws(PipelineError) -> [PipelineRow] {
        var cache: [PipelineStage.Lookup.Kind: [String: PipelineValue]] = [:]
        var out = rows
        for i in out.indices {
            try budget.tick()
            for lookup in lookups {
                guard let id = Self.idText(rows[i][path: lookup.idField]) else { out[i].set(lookup.output, .null); continue }
                let found = cache[lookup.kind]?[id] ?? data.lookup(lookup.kind, id: id)
                cache[lookup.kind, default: [:]][id] = found
                out[i].set(lookup.output, found)
            }
        }
        return out
    }

    mutating func unwind(_ rows: [PipelineRow], field: FieldPath, index: FieldPath?, keepEmpty: Bool, prefix: Bool) throws(PipelineError) -> [PipelineRow] {
        var out: [PipelineRow] = []
        for row in rows {
            try budget.tick()
            let value = row[path: field]
            // A missing field counts as an empty list and a single value as a list of one.
            let items = value.list ?? (value.isNull ? [] : [value])
            if items.isEmpty {
                if keepEmpty { out.append(row) }
                continue
            }
            for (i, item) in items.enumerated() {
                var copy = row
                copy.set(field, prefix ? .list(Array(items[...i])) : item)
                if let index { copy.set(index, PipelineValue(i)) }
                out.append(copy)
            }
            try budget.check(rows: out.count)
        }
        return out
    }

    /// Rows sharing the key fields become one, later rows' fields over earlier ones'; with a
    /// width, a row is let out once that many have joined and the next one with the key starts anew.
    static func join(_ rows: [PipelineRow], on fields: [FieldPath], width: Int?) -> [PipelineRow] {
        var open: [[PipelineValue]: (order: Int, row: PipelineRow, count: Int)] = [:]
        var done: [(order: Int, row: PipelineRow)] = []
        for (n, row) in rows.enumerated() {
            let key = fields.map { row[path: $0] }
            var entry = open[key] ?? (n, [:], 0)
            entry.row.merge(row) { _, later in later }
            entry.count += 1
            if let width, entry.count == width {
                done.append((entry.order, entry.row))
                open[key] = nil
            } else {
                open[key] = entry
            }
        }
        return done.map(\.row) + open.values.sorted { $0.order < $1.order }.map(\.row)
    }

    /// Copies into each row the fields of the inner row with the same key. An inner row is keyed
    /// on each merge field, or on the inner field a mapping sends to it (`{"appId": "id"}`).
    static func merge(_ rows: [PipelineRow], with inner: [PipelineRow], on fields: [FieldPath], mappings: [PipelineStage.Mapping]?) -> [PipelineRow] {
        let innerKeys = fields.map { field in mappings?.first(where: { $0.output == field }).map(\.input) ?? field }
        var index: [[PipelineValue]: PipelineRow] = [:]
        for row in inner {
            let key = innerKeys.map { row[path: $0] }
            if index[key] == nil { index[key] = row }
        }
        return rows.map { row in
            guard let match = index[fields.map { row[path: $0] }] else { return row }
            var out = row
            if let mappings {
                for m in mappings { out.set(m.output, match[path: m.input]) }
            } else {
                out.merge(match) { _, inner in inner }
            }
            return out
        }
    }
}
