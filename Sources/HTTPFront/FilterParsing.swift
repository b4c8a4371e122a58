import Runtime

/// Reads property filters, `{"property":K,"op":..,"value":..}`, from a body; every error names
/// the path of the bad field (`includes[0].where[1].op`).
enum FilterParsing {
    static func filters(_ value: JSONValue?, at path: String) throws -> [PropertyFilter] {
        guard let value, !value.isNull else { return [] }
        guard let list = value.array else { throw APIError.badRequest(field: path, "must be an array of filters") }
        guard list.count <= 20 else { throw APIError.badRequest(field: path, "has more than 20 filters") }
        return try list.enumerated().map { try filter($1, at: "\(path)[\($0)]") }
    }

    static func filter(_ value: JSONValue, at path: String) throws -> PropertyFilter {
        guard let object = value.object else { throw APIError.badRequest(field: path, "must be an object") }
        guard let property = object["property"]?.string, !property.isEmpty else {
            throw APIError.badRequest(field: "\(path).property", "is required (a property key)")
        }
        guard let opText = object["op"]?.string else { throw APIError.badRequest(field: "\(path).op", "is required") }
        guard let op = PropertyFilter.Op(rawValue: opText) else {
            throw APIError.badRequest(field: "\(path).op", "must be one of \(PropertyFilter.Op.allCases.map(\.rawValue).joined(separator: ", ")), got '\(opText)'")
        }
        let raw = object["value"]
        guard op.takesValue else { return PropertyFilter(property: property, op: op, values: []) }
        if op.takesList {
            guard let list = raw?.array, !list.isEmpty else { throw APIError.badRequest(field: "\(path).value", "must be a non-empty array for '\(op.rawValue)'") }
            return PropertyFilter(property: property, op: op, values: try list.enumerated().map { i, item in
                guard let text = item.scalarText else { throw APIError.badRequest(field: "\(path).value[\(i)]", "must be a string, number or boolean") }
                return text
            })
        }
        guard let text = raw?.scalarText else { throw APIError.badRequest(field: "\(path).value", "is required (a string, number or boolean)") }
        return PropertyFilter(property: property, op: op, values: [text])
    }
}
