import Actors
import Foundation
import Hummingbird
import Runtime

/// Reading profile edits from request bodies and answering their refusals; shared by the
/// account and user routes.
enum ProfileEditing {
    static let maxProperties = 100
    static let maxNoteBytes = 10_000

    /// `properties`: an object of strings, numbers or booleans (kept as text); null removes a key.
    static func propertyChanges(_ body: PropertiesBody) throws -> [ProfileEdit.PropertyChange] {
        guard let object = body.properties else { throw APIError.badRequest(field: "properties", "is required") }
        guard !object.isEmpty else { throw APIError.badRequest(field: "properties", "must set at least one key") }
        guard object.count <= maxProperties else { throw APIError.badRequest(field: "properties", "sets more than \(maxProperties) keys") }
        return try object.sorted { $0.key < $1.key }.map { key, value in try change(key, value, field: "properties.\(key)") }
    }

    /// One property set from JSON: a string, number or boolean (kept as text); null removes the key.
    static func change(_ key: String, _ value: JSONValue, field: String) throws -> ProfileEdit.PropertyChange {
        try checkKey(key, field: field)
        if value.isNull { return ProfileEdit.PropertyChange(key, nil) }
        guard let text = value.scalarText else { throw APIError.badRequest(field: field, "must be a string, number, boolean or null") }
        return try change(key, text: text, field: field)
    }

    /// One property set from text (a CSV cell).
    static func change(_ key: String, text: String, field: String) throws -> ProfileEdit.PropertyChange {
        try checkKey(key, field: field)
        guard text.utf8.count <= IngestLimits.maxFieldBytes else { throw APIError.badRequest(field: field, "is longer than \(IngestLimits.maxFieldBytes) bytes") }
        return ProfileEdit.PropertyChange(key, text)
    }

    private static func checkKey(_ key: String, field: String) throws {
        guard !key.isEmpty, key.utf8.count <= 256 else { throw APIError.badRequest(field: field, "keys must be 1 to 256 bytes") }
    }

    static func noteContent(_ body: NoteBody) throws -> String {
        guard let text = body.content else { throw APIError.badRequest(field: "content", "is required") }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw APIError.badRequest(field: "content", "must not be empty") }
        guard text.utf8.count <= maxNoteBytes else { throw APIError.badRequest(field: "content", "is longer than \(maxNoteBytes) bytes") }
        return text
    }

    static func noteID(_ context: BeaconRequestContext) throws -> UInt64 {
        let text = QueryParameters.pathParameter("noteId", context)
        guard let id = UInt64(text) else { throw APIError.badRequest(field: "noteId", "must be a note id (a positive integer), got '\(text)'") }
        return id
    }

    /// Applies an edit, turning a refusal into a 404 naming what was not found.
    static func apply(_ tenant: TenantActor, _ makeEdit: @Sendable (UInt64, Int64) -> ProfileEdit) async throws -> ProfileEdit {
        do {
            return try await tenant.edit(makeEdit)
        } catch let refusal as ProfileEditRefusal {
            switch refusal {
            case .unknownUser(let name): throw APIError(.notFound, code: "not_found", message: "id: no user '\(name)'", field: "id")
            case .unknownAccount(let name): throw APIError(.notFound, code: "not_found", message: "id: no account '\(name)'", field: "id")
            case .unknownNote(let id): throw APIError(.notFound, code: "not_found", message: "noteId: no note \(id)", field: "noteId")
            }
        }
    }

    /// POST …/notes: adds the note `content` names, answered 201 with its id and time.
    static func addNote(_ request: Request, _ tenant: TenantActor, _ makeEdit: @escaping @Sendable (Note) -> ProfileEdit) async throws -> Response {
        let content = try noteContent(try await JSONBody.decode(NoteBody.self, from: request, limit: 1 << 16))
        let edit = try await apply(tenant) { next, now in makeEdit(Note(id: next, content: content, createdMs: now)) }
        switch edit {
        case .addAccountNote(_, let note), .addUserNote(_, let note): return try JSONResponse.make(row(note), status: .created)
        default: preconditionFailure("makeEdit adds a note")
        }
    }

    /// DELETE …/notes/:noteId.
    static func deleteNote(_ context: BeaconRequestContext, _ tenant: TenantActor, _ makeEdit: @escaping @Sendable (UInt64) -> ProfileEdit) async throws -> Response {
        let id = try noteID(context)
        _ = try await apply(tenant) { _, _ in makeEdit(id) }
        return try JSONResponse.make(DeletedAnswer(deleted: true, id: id))
    }

    struct NoteRow: Encodable { var id: UInt64; var content: String; var createdAt: String }

    static func row(_ note: Note) -> NoteRow { NoteRow(id: note.id, content: note.content, createdAt: ISOText.timestamp(note.createdMs)) }

    struct DeletedAnswer: Encodable { var deleted: Bool; var id: UInt64 }
}
