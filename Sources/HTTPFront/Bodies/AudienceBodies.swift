/// `POST /api/v1/audiences` and `PUT /api/v1/audiences/:id` (every field optional there).
struct AudienceBody: Decodable {
    var name: PatchField<String>
    var description: PatchField<String>
    /// Read by `AudienceDefinitionParsing`.
    var definition: PatchField<JSONValue>
}
