import Runtime

/// `user_devices`: which devices each user's events came from: one row per user and distinct
/// (device_type, os, browser, platform), with when and how often. Gathered by one pass over the
/// log; `user_id = …` keeps one user's rows.
final class UserDevicesTable: SQLTable {
    static let name = "user_devices"
    static let summary = "Which devices belong to which user, one row per user and device"
    static let fields: [SQLContextField] = [.deviceType, .os, .browser, .platform]
    static let columns: [SQLColumn] = [SQLColumn(name: "user_id", type: .text, description: "The user")]
        + fields.map(\.sqlColumn) + [
        SQLColumn(name: "first_seen", type: .text, description: "The first event from the device, UTC text"),
        SQLColumn(name: "last_seen", type: .text, description: "The latest event from the device, UTC text"),
        SQLColumn(name: "events", type: .integer, description: "Events from the device the log still holds"),
    ]

    static func accepts(column: Int, op: SQLConstraint.Op) -> Bool { column == 0 && op == .equal }

    let source: SQLSource
    init(_ source: SQLSource) { self.source = source }
    /// Gathered by a pass over the whole log, whatever the comparisons.
    func estimate(_ used: [(column: Int, op: SQLConstraint.Op)]) -> (rows: Double, cost: Double) {
        (used.isEmpty ? Double(max(1, source.state.users.liveCount)) : 1, Double(max(1, source.state.log.count)) * 5)
    }

    private struct Device { var device: Int; var first: Int64; var last: Int64; var events: Int64 }

    func makeCursor() -> SQLCursor {
        let source = source
        return SQLRowsCursor { constraints in
            let state = source.state
            let selected = SQLUserSelection.users(constraints, in: source)
            let onlyUser = constraints.isEmpty ? nil : selected.first
            if !constraints.isEmpty && selected.isEmpty { return [] }
            var reader = SQLContextReader(state)
            var deviceOfSet = [Int](repeating: -1, count: state.propertySets.count)
            var deviceIDs: [[UInt32]: Int] = [:]
            var devices: [[UInt32]] = []
            var perUser = [[Device]](repeating: [], count: state.users.count)
            var stopped = false
            state.log.forEachChunk { chunk in
                guard !stopped else { return }
                if source.timeUp() { stopped = true; return }
                for row in 0..<chunk.count {
                    let user = source.canonical(chunk.users[row])
                    if let onlyUser, user != onlyUser { continue }
                    let set = chunk.propertySets[row]
                    let device: Int
                    if deviceOfSet[Int(set)] >= 0 { device = deviceOfSet[Int(set)] } else {
                        let values = Self.fields.map { reader.value($0, set: set, in: state) }
                        if let id = deviceIDs[values] { device = id } else { device = devices.count; deviceIDs[values] = device; devices.append(values) }
                        deviceOfSet[Int(set)] = device
                    }
                    let ts = chunk.timestamps[row]
                    let u = Int(user)
                    if let i = perUser[u].firstIndex(where: { $0.device == device }) {
                        perUser[u][i].first = min(perUser[u][i].first, ts)
                        perUser[u][i].last = max(perUser[u][i].last, ts)
                        perUser[u][i].events += 1
                    } else {
                        perUser[u].append(Device(device: device, first: ts, last: ts, events: 1))
                    }
                }
            }
            var rows: [[SQLValue]] = []
            for (user, entries) in perUser.enumerated() where !entries.isEmpty {
                let name = SQLValue.text(state.userNames.string(UInt32(user)))
                for entry in entries {
                    let values = devices[entry.device].map { v -> SQLValue in
                        v == SQLContextReader.absent ? .null : .text(state.propertySets.values.string(v))
                    }
                    rows.append([name] + values + [.timestamp(entry.first), .timestamp(entry.last), .integer(entry.events)])
                }
            }
            return rows
        }
    }
}
