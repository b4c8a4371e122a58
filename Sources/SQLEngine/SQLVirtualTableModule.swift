import CSQLite

/// Registers a `SQLTable` with a connection as an eponymous virtual table (its name is usable in
/// queries with no `CREATE VIRTUAL TABLE`), read-only: no `xUpdate`, no transactions.
enum SQLVirtualTableModule {
    /// One module description serves every table: each callback finds its Swift table or cursor
    /// through the pointer stored beside SQLite's struct.
    static func make() -> UnsafeMutablePointer<sqlite3_module> {
        var module = sqlite3_module()
        module.iVersion = 1
        module.xCreate = nil
        module.xConnect = { db, aux, _, _, tableOut, _ in
            let table = Unmanaged<SQLTableBox>.fromOpaque(aux!).takeUnretainedValue().table
            let rc = sqlite3_declare_vtab(db, type(of: table).declaration)
            guard rc == SQLITE_OK else { return rc }
            let vtab = UnsafeMutablePointer<BeaconVTab>.allocate(capacity: 1)
            vtab.initialize(to: BeaconVTab())
            vtab.pointee.table = aux
            tableOut!.pointee = UnsafeMutableRawPointer(vtab).assumingMemoryBound(to: sqlite3_vtab.self)
            return SQLITE_OK
        }
        module.xBestIndex = { vtab, info in
            SQLVirtualTableModule.bestIndex(SQLVirtualTableModule.table(vtab!), info!)
            return SQLITE_OK
        }
        module.xDisconnect = { vtab in
            UnsafeMutableRawPointer(vtab!).assumingMemoryBound(to: BeaconVTab.self).deallocate()
            return SQLITE_OK
        }
        module.xDestroy = module.xDisconnect
        module.xOpen = { vtab, cursorOut in
            let cursor = UnsafeMutablePointer<BeaconVTabCursor>.allocate(capacity: 1)
            cursor.initialize(to: BeaconVTabCursor())
            cursor.pointee.cursor = Unmanaged.passRetained(SQLVirtualTableModule.table(vtab!).makeCursor()).toOpaque()
            cursorOut!.pointee = UnsafeMutableRawPointer(cursor).assumingMemoryBound(to: sqlite3_vtab_cursor.self)
            return SQLITE_OK
        }
        module.xClose = { raw in
            let cursor = UnsafeMutableRawPointer(raw!).assumingMemoryBound(to: BeaconVTabCursor.self)
            Unmanaged<SQLCursor>.fromOpaque(cursor.pointee.cursor).release()
            cursor.deallocate()
            return SQLITE_OK
        }
        module.xFilter = { raw, ordering, plan, argc, argv in
            let columnsAndOps = plan.map { String(cString: $0) } ?? ""
            var constraints: [SQLConstraint] = []
            for (i, item) in columnsAndOps.split(separator: ",").enumerated() where i < Int(argc) {
                let parts = item.split(separator: ":")
                guard parts.count == 2, let column = Int(parts[0]), let opCode = Int32(parts[1]),
                      let op = SQLConstraint.Op(rawValue: opCode), let value = argv?[i] else { continue }
                constraints.append(SQLConstraint(column: column, op: op, value: value))
            }
            SQLVirtualTableModule.withCursor(raw!) { $0.start(constraints, ordering: ordering) }
            return SQLITE_OK
        }
        module.xNext = { raw in SQLVirtualTableModule.withCursor(raw!) { $0.next() }; return SQLITE_OK }
        module.xEof = { raw in SQLVirtualTableModule.withCursor(raw!) { $0.atEnd } ? 1 : 0 }
        module.xColumn = { raw, context, index in
            SQLVirtualTableModule.withCursor(raw!) { $0.column(Int(index), SQLResultContext(raw: context!)) }
            return SQLITE_OK
        }
        module.xRowid = { raw, rowID in rowID!.pointee = SQLVirtualTableModule.withCursor(raw!) { $0.rowID }; return SQLITE_OK }
        let pointer = UnsafeMutablePointer<sqlite3_module>.allocate(capacity: 1)
        pointer.initialize(to: module)
        return pointer
    }

    fileprivate static func table(_ vtab: UnsafeMutablePointer<sqlite3_vtab>) -> any SQLTable {
        let box = UnsafeMutableRawPointer(vtab).assumingMemoryBound(to: BeaconVTab.self)
        return Unmanaged<SQLTableBox>.fromOpaque(box.pointee.table).takeUnretainedValue().table
    }

    /// The cursor behind SQLite's, borrowed for one call: the connection holds it (retained at
    /// `xOpen`, released at `xClose`), so the call need not.
    @inline(__always)
    fileprivate static func withCursor<R>(_ raw: UnsafeMutablePointer<sqlite3_vtab_cursor>, _ body: (SQLCursor) -> R) -> R {
        let box = UnsafeMutableRawPointer(raw).assumingMemoryBound(to: BeaconVTabCursor.self)
        return Unmanaged<SQLCursor>.fromOpaque(box.pointee.cursor)._withUnsafeGuaranteedRef(body)
    }

    /// Takes every usable comparison the table accepts (under the BINARY collation, the one its
    /// exact narrowing assumes), hands them to `xFilter` in order and tells SQLite not to check
    /// them again; the plan is written as `column:op,…`.
    fileprivate static func bestIndex(_ table: any SQLTable, _ info: UnsafeMutablePointer<sqlite3_index_info>) {
        let tableType = type(of: table)
        var taken: [(index: Int, item: String)] = []
        var used: [(column: Int, op: SQLConstraint.Op)] = []
        for i in 0..<Int(info.pointee.nConstraint) {
            let constraint = info.pointee.aConstraint[i]
            guard constraint.usable != 0, let op = SQLConstraint.Op(rawValue: Int32(constraint.op)),
                  tableType.accepts(column: Int(constraint.iColumn), op: op) else { continue }
            if let collation = sqlite3_vtab_collation(info, Int32(i)), String(cString: collation).uppercased() != "BINARY" { continue }
            taken.append((i, "\(constraint.iColumn):\(op.rawValue)"))
            used.append((Int(constraint.iColumn), op))
        }
        let text = Array(taken.map(\.item).joined(separator: ",").utf8CString)
        if !taken.isEmpty, let copy = sqlite3_malloc(Int32(text.count)) {
            text.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            info.pointee.idxStr = copy.assumingMemoryBound(to: CChar.self)
            info.pointee.needToFreeIdxStr = 1
            for (argument, entry) in taken.enumerated() {
                info.pointee.aConstraintUsage[entry.index].argvIndex = Int32(argument + 1)
                info.pointee.aConstraintUsage[entry.index].omit = 1
            }
        } else {
            used = []
        }
        let (rows, cost) = table.estimate(used)
        info.pointee.estimatedRows = Int64(max(1, rows))
        info.pointee.estimatedCost = max(1, cost)
        let terms = (0..<Int(info.pointee.nOrderBy)).map {
            SQLOrderTerm(column: Int(info.pointee.aOrderBy[$0].iColumn), descending: info.pointee.aOrderBy[$0].desc != 0)
        }
        if !terms.isEmpty {
            let ordering = tableType.ordering(terms)
            if ordering != 0 {
                info.pointee.idxNum = ordering
                info.pointee.orderByConsumed = 1
            }
        }
    }
}

/// What a module's client data holds: a fixed class, so finding the Swift table behind a
/// callback needs no dynamic cast.
final class SQLTableBox {
    let table: any SQLTable
    init(_ table: any SQLTable) { self.table = table }
}

