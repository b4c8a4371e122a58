import Runtime

/// The WAL payload of a mark edit: a kind byte, then 1 create: the mark; 2 delete: `i64` id.
extension MarkEdit {
    func encode(into w: inout BinaryWriter) {
        switch self {
        case .create(let mark): w.write(UInt8(1)); mark.encode(into: &w)
        case .delete(let id): w.write(UInt8(2)); w.write(Int64(id))
        }
    }

    static func decode(from r: inout BinaryReader) -> MarkEdit? {
        switch r.read(UInt8.self) {
        case 1: Mark.decode(from: &r).map { .create($0) }
        case 2: r.read(Int64.self).flatMap { Int(exactly: $0) }.map { .delete(id: $0) }
        default: nil
        }
    }
}
