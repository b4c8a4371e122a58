/// `PUT …/properties`: keys to set to a scalar or, with null, remove.
struct PropertiesBody: Decodable {
    var properties: [String: JSONValue]?
}

/// `PUT /api/accounts/:id/owner`.
struct OwnerBody: Decodable {
    var ownerEmail: String?

    enum CodingKeys: String, CodingKey { case ownerEmail = "owner_email" }
}

/// `POST …/notes`.
struct NoteBody: Decodable {
    var content: String?
}
