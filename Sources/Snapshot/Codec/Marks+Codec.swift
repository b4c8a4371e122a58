import Runtime

/// A mark as bytes, for the WAL's mark edits and the snapshot's marks section.
extension Mark {
    func encode(into w: inout BinaryWriter) {
        func optional(_ text: String?) { w.write(UInt8(text == nil ? 0 : 1)); w.write(text ?? "") }
        w.write(Int64(id)); w.write(title); optional(description); w.write(timestampMs); w.write(category.rawValue)
        optional(sourceRef); w.write(scope.rawValue); optional(metadata); w.write(source.rawValue); w.write(creator); w.write(createdMs)
    }

    static func decode(from r: inout BinaryReader) -> Mark? {
        func optional() -> String?? {
            guard let present = r.read(UInt8.self), present <= 1, let text = r.readString() else { return nil }
            return .some(present == 1 ? text : nil)
        }
        guard let id = r.read(Int64.self), let title = r.readString(), let description = optional(), let timestampMs = r.read(Int64.self),
              let category = r.readString().flatMap(Category.init(rawValue:)), let sourceRef = optional(),
              let scope = r.readString().flatMap(Scope.init(rawValue:)), let metadata = optional(),
              let source = r.readString().flatMap(Source.init(rawValue:)), let creator = r.readString(), let createdMs = r.read(Int64.self),
              let id = Int(exactly: id) else { return nil }
        return Mark(id: id, title: title, description: description, timestampMs: timestampMs, category: category, sourceRef: sourceRef,
                    scope: scope, metadata: metadata, source: source, creator: creator, createdMs: createdMs)
    }
}

extension Marks {
    /// `i64` next id, `u32` count, then each mark by id.
    func encode(into w: inout BinaryWriter) {
        w.write(Int64(nextID)); w.write(UInt32(byID.count))
        for (_, mark) in byID.sorted(by: { $0.key < $1.key }) { mark.encode(into: &w) }
    }

    static func decode(from r: inout BinaryReader) -> Marks? {
        guard let next = r.read(Int64.self), let count = r.read(UInt32.self), Int(count) <= r.remaining else { return nil }
        var marks = Marks()
        marks.nextID = Int(next)
        for _ in 0..<count {
            guard let mark = Mark.decode(from: &r), marks.byID[mark.id] == nil, mark.id < marks.nextID else { return nil }
            marks.byID[mark.id] = mark
        }
        return marks
    }
}
