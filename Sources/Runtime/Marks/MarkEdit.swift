/// One change to the marks, as logged in the WAL: a created mark carries its id and times.
public enum MarkEdit: Sendable, Equatable {
    case create(Mark)
    case delete(id: Int)
}

public enum MarkEditRefusal: Error, Sendable, Equatable {
    case unknownMark(Int)
    case idInUse(Int)
}

extension TenantState {
    /// The id the next created mark should carry.
    public var nextMarkID: Int { marks.nextID }

    public func refusal(of edit: MarkEdit) -> MarkEditRefusal? {
        switch edit {
        case .create(let mark): marks.byID[mark.id] == nil ? nil : .idInUse(mark.id)
        case .delete(let id): marks.byID[id] == nil ? .unknownMark(id) : nil
        }
    }

    public mutating func apply(_ edit: MarkEdit) throws(MarkEditRefusal) {
        if let refusal = refusal(of: edit) { throw refusal }
        switch edit {
        case .create(let mark):
            marks.byID[mark.id] = mark
            marks.nextID = max(marks.nextID, mark.id &+ 1)   // &+: an id read back from the WAL must not trap
        case .delete(let id):
            marks.byID[id] = nil
        }
    }
}
