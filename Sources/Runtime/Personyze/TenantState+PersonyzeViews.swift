/// The Personyze objects that are views of Beacon's own records (docs/personyze.md): lists are
/// visitor-list segments, conditions the other segments, actions the nudges.
extension TenantState {
    /// `user_lists`: one row per visitor-list segment (`id`, `name`, `n_users`).
    public var personyzeUserLists: [Row] {
        segments.byID.values.filter { $0.visitorList != nil }.sorted { $0.id < $1.id }.map { segment in
            ["id": .int(Int64(segment.id)), "name": .text(segment.name), "n_users": .int(Int64(segment.members.count)),
             "created_time": .int(segment.createdMs / 1000), "data_last_modified": .int(segment.updatedMs / 1000)]
        }
    }

    /// `user_list_users`: one row per list and member with events, by list then `user_id`.
    /// `lists` narrows to those list ids (a pinned `user_list_id`).
    public func personyzeListMembers(lists: [Int]?) -> [Row] {
        let wanted = lists ?? segments.byID.keys.sorted()
        var rows: [Row] = []
        for id in Set(wanted).sorted() {
            guard let segment = segments.byID[id], let names = segment.visitorList else { continue }
            let members = names.compactMap { knownUser($0) }.sorted()
            for u in members { rows.append(["user_list_id": .int(Int64(id)), "user_id": .int(Int64(u) + 1)]) }
        }
        return rows
    }

    /// `conditions`: one row per segment defined by rules.
    public var personyzeConditions: [Row] {
        segments.byID.values.filter { $0.visitorList == nil }.sorted { $0.id < $1.id }.map { segment in
            ["id": .int(Int64(segment.id)), "name": .text(segment.name), "description": segment.description.map(RowValue.text) ?? .null,
             "n_users": .int(Int64(segment.members.count)), "data_last_modified": .int(segment.updatedMs / 1000)]
        }
    }

    /// `actions`: one row per nudge. An active nudge is `production`, a draft or paused one
    /// `testing`; the content is the nudge's body, its presenting rules the page and audience.
    public var personyzeActions: [Row] {
        nudges.byID.values.sorted { $0.id < $1.id }.map { nudge in
            var rules = "{\"page\":\(Self.jsonString(nudge.targetPage))"
            if let segment = nudge.targetSegment { rules += ",\"condition_id\":\(segment)" }
            rules += "}"
            return ["id": .int(Int64(nudge.id)), "version_tag": .text(nudge.status == .active ? "production" : "testing"),
                    "name": .text(nudge.title), "type_id": .text(nudge.kind.rawValue), "placeholders": .text("[]"),
                    "content_type": .text("text/html"), "content_param": .text("body"),
                    "content_begin": .text(nudge.body ?? ""), "content_end": .text(""),
                    "presenting_rules": .text(rules), "libs_app": .null,
                    "condition_id": nudge.targetSegment.map { .int(Int64($0)) } ?? .null,
                    "data_last_modified": .int(nudge.updatedMs / 1000)]
        }
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 { let hex = String(scalar.value, radix: 16); out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
