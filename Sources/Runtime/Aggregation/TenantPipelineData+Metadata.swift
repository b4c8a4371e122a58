/// Metadata as the Pendo-compatible API reads it: the schema per kind and group, one field's
/// value, the Do Not Process sources, and the segments and guides that depend on a field.
public struct MetadataSchemaField: Sendable, Equatable {
    public var group: String
    public var name: String
    public var displayName: String
    public var type: String
    /// Worked out by Beacon (`auto`), not sent or set.
    public var isCalculated: Bool
}

public struct MetadataDependency: Sendable, Equatable {
    public enum Kind: String, Sendable { case segment, guide }
    public var kind: Kind
    public var id: Int
    public var name: String
    /// The field, as `kind/group/name`.
    public var field: String
}

extension TenantPipelineData {
    static let autoFields: [Metadata.Kind: [(String, String)]] = [
        .visitor: [("accountId", "string"), ("firstvisit", "time"), ("lastvisit", "time"), ("lastupdated", "time"), ("idhash", "number"),
                   ("lastbrowsername", "string"), ("lastbrowserversion", "string")],
        .account: [("firstvisit", "time"), ("lastvisit", "time"), ("lastupdated", "time"), ("idhash", "number")],
    ]

    /// Every field by group: `auto` and `pendo` are Beacon's; `agent` holds the defined agent
    /// fields and (for visitors) every property key events carry; `custom` the defined custom
    /// fields and every key set through the API.
    public func metadataSchema(_ kind: Metadata.Kind) -> [MetadataSchemaField] {
        var out = Self.autoFields[kind]!.map { MetadataSchemaField(group: "auto", name: $0.0, displayName: $0.0, type: $0.1, isCalculated: true) }
        out += Metadata.Flag.allCases.map { MetadataSchemaField(group: "pendo", name: $0.rawValue, displayName: $0.rawValue, type: "boolean", isCalculated: false) }
        for group in Metadata.Group.allCases {
            var byName: [String: MetadataSchemaField] = [:]
            let seen: Set<String>
            switch (kind, group) {
            case (.visitor, .agent): seen = Set((0..<state.propertySets.keys.count).map { state.propertySets.keys.string(UInt32($0)) })
            case (.visitor, .custom): seen = Set(state.profiles.users.values.flatMap(\.properties.keys))
            case (.account, .custom): seen = Set(state.profiles.accounts.values.flatMap(\.properties.keys))
            case (.account, .agent): seen = []
            }
            for name in seen { byName[name] = MetadataSchemaField(group: group.rawValue, name: name, displayName: name, type: "string", isCalculated: false) }
            for field in state.metadata.schema(kind, group) {
                byName[field.name] = MetadataSchemaField(group: group.rawValue, name: field.name, displayName: field.displayName, type: field.type.rawValue, isCalculated: false)
            }
            out += byName.keys.sorted().map { byName[$0]! }
        }
        return out
    }

    /// One field of one visitor or account, typed as its schema says; nil for an unknown visitor
    /// or account, `.null` for a field without a value.
    public func metadataValue(_ kind: Metadata.Kind, group: String, id: String, field: String) -> PipelineValue? {
        let object = lookup(kind == .visitor ? .visitor : .account, id: id)
        guard case .object(let fields) = object, case .object(let metadata)? = fields["metadata"] else { return nil }
        guard case .object(let values)? = metadata[group], let value = values[field] else { return .null }
        guard case .string(let text) = value, let g = Metadata.Group(rawValue: group),
              let type = state.metadata.fields[Metadata.FieldKey(kind, g, field)]?.type else { return value }
        switch type {
        case .number, .time: return Double(text).map(PipelineValue.number) ?? value
        case .boolean: return text == "true" ? .bool(true) : text == "false" ? .bool(false) : value
        case .string: return value
        }
    }

    func doNotProcessRows(_ kind: Metadata.Kind, idKey: String) -> [PipelineRow] {
        state.metadata.ids(.doNotProcess, kind).sorted().map { [idKey: .string($0), "id": .string($0)] }
    }

    /// Segments whose rules test a property (user properties for visitor fields, account ones for
    /// account fields), and the nudges that target them; `field` narrows to one `kind/group/name`.
    public func metadataDependencies(field wanted: (kind: Metadata.Kind, name: String)? = nil) -> [MetadataDependency] {
        var out: [MetadataDependency] = []
        for id in state.segments.byID.keys.sorted() {
            let segment = state.segments.byID[id]!
            var tested = Set<Metadata.FieldKey>()   // the group is settled below
            func walk(_ rule: SegmentRule) {
                switch rule {
                case .userProperty(let f): tested.insert(Metadata.FieldKey(.visitor, .custom, f.property))
                case .accountProperty(let f): tested.insert(Metadata.FieldKey(.account, .custom, f.property))
                case .all(let rules), .any(let rules): rules.forEach(walk)
                case .not(let inner): walk(inner)
                default: break
                }
            }
            segment.rules.forEach(walk)
            for key in tested.sorted() where wanted == nil || (wanted!.kind == key.kind && wanted!.name == key.name) {
                let (kind, name) = (key.kind, key.name)
                let group = state.metadata.fields[Metadata.FieldKey(kind, .agent, name)] != nil ? "agent" : "custom"
                let field = "\(kind.rawValue)/\(group)/\(name)"
                out.append(MetadataDependency(kind: .segment, id: id, name: segment.name, field: field))
                for nudge in state.nudges.byID.values.filter({ $0.targetSegment == id }).sorted(by: { $0.id < $1.id }) {
                    out.append(MetadataDependency(kind: .guide, id: nudge.id, name: nudge.title, field: field))
                }
            }
        }
        return out
    }
}
