import Runtime

/// The workspace in bytes: settings, labels, then alerts (with firings), goals and views by id;
/// each edit as a kind byte and the same fields.
extension WorkspaceMetric {
    func encode(into w: inout BinaryWriter) { w.write(name) }
    static func decode(from r: inout BinaryReader) -> WorkspaceMetric? { r.readString().flatMap(WorkspaceMetric.init(name:)) }
}

extension Alert {
    func encode(into w: inout BinaryWriter) {
        w.write(Int64(id)); w.write(name); metric.encode(into: &w); w.write(threshold.bitPattern); w.write(direction.rawValue)
        w.write(member); w.write(createdMs); w.write(UInt32(firings.count))
        for f in firings { w.write(f.day); w.write(f.atMs); w.write(f.value.bitPattern) }
    }

    static func decode(from r: inout BinaryReader) -> Alert? {
        guard let id = r.read(Int64.self), let name = r.readString(), let metric = WorkspaceMetric.decode(from: &r), let threshold = r.read(UInt64.self),
              let directionName = r.readString(), let direction = Direction(rawValue: directionName), let member = r.readString(),
              let createdMs = r.read(Int64.self), let count = r.read(UInt32.self), Int(count) <= Alert.keptFirings else { return nil }
        var firings: [AlertFiring] = []
        for _ in 0..<count {
            guard let day = r.read(DayNumber.self), let atMs = r.read(Int64.self), let value = r.read(UInt64.self) else { return nil }
            firings.append(AlertFiring(day: day, atMs: atMs, value: Double(bitPattern: value)))
        }
        return Alert(id: Int(id), name: name, metric: metric, threshold: Double(bitPattern: threshold), direction: direction, member: member,
                     createdMs: createdMs, firings: firings)
    }
}

extension Goal {
    func encode(into w: inout BinaryWriter) {
        w.write(Int64(id)); w.write(name); metric.encode(into: &w); w.write(target.bitPattern); w.write(Int32(clamping: days)); w.write(member); w.write(createdMs)
    }

    static func decode(from r: inout BinaryReader) -> Goal? {
        guard let id = r.read(Int64.self), let name = r.readString(), let metric = WorkspaceMetric.decode(from: &r), let target = r.read(UInt64.self),
              let days = r.read(Int32.self), days >= 1, let member = r.readString(), let createdMs = r.read(Int64.self) else { return nil }
        return Goal(id: Int(id), name: name, metric: metric, target: Double(bitPattern: target), days: Int(days), member: member, createdMs: createdMs)
    }
}

extension SavedView {
    func encode(into w: inout BinaryWriter) { w.write(Int64(id)); w.write(page); w.write(name); w.write(state); w.write(member); w.write(createdMs) }

    static func decode(from r: inout BinaryReader) -> SavedView? {
        guard let id = r.read(Int64.self), let page = r.readString(), let name = r.readString(), let state = r.readString(),
              let member = r.readString(), let createdMs = r.read(Int64.self) else { return nil }
        return SavedView(id: Int(id), page: page, name: name, state: state, member: member, createdMs: createdMs)
    }
}

/// The settings and the labels, laid out the same in the snapshot section and in their edits.
enum WorkspaceFields {
    static func encodeSettings(_ name: String?, _ mode: Workspace.ProductMode, _ derive: Bool, into w: inout BinaryWriter) {
        w.write(UInt8(name == nil ? 0 : 1)); w.write(name ?? ""); w.write(mode.rawValue); w.write(UInt8(derive ? 1 : 0))
    }

    static func decodeSettings(from r: inout BinaryReader) -> (name: String?, mode: Workspace.ProductMode, derive: Bool)? {
        guard let hasName = r.read(UInt8.self), hasName <= 1, let name = r.readString(), let modeName = r.readString(),
              let mode = Workspace.ProductMode(rawValue: modeName), let derive = r.read(UInt8.self), derive <= 1 else { return nil }
        return (hasName == 1 ? name : nil, mode, derive == 1)
    }

    static func encodeLabels(_ labels: [String: String], into w: inout BinaryWriter) {
        w.write(UInt32(labels.count))
        for (type, label) in labels.sorted(by: { $0.key < $1.key }) { w.write(type); w.write(label) }
    }

    static func decodeLabels(from r: inout BinaryReader) -> [String: String]? {
        guard let count = r.read(UInt32.self), Int(count) <= Workspace.maxLabels else { return nil }
        var labels: [String: String] = [:]
        for _ in 0..<count {
            guard let type = r.readString(), let label = r.readString() else { return nil }
            labels[type] = label
        }
        return labels
    }
}

extension Workspace {
    func encode(into w: inout BinaryWriter) {
        WorkspaceFields.encodeSettings(companyName, productMode, autoDeriveAccounts, into: &w)
        WorkspaceFields.encodeLabels(labels, into: &w)
        w.write(Int64(nextID))
        w.write(UInt32(alerts.count)); for a in alerts.values.sorted(by: { $0.id < $1.id }) { a.encode(into: &w) }
        w.write(UInt32(goals.count)); for g in goals.values.sorted(by: { $0.id < $1.id }) { g.encode(into: &w) }
        w.write(UInt32(views.count)); for v in views.values.sorted(by: { $0.id < $1.id }) { v.encode(into: &w) }
    }

    static func decode(from r: inout BinaryReader) -> Workspace? {
        guard let settings = WorkspaceFields.decodeSettings(from: &r), let labels = WorkspaceFields.decodeLabels(from: &r) else { return nil }
        var w = Workspace()
        w.companyName = settings.name; w.productMode = settings.mode; w.autoDeriveAccounts = settings.derive; w.labels = labels
        guard let nextID = r.read(Int64.self), nextID >= 1 else { return nil }
        w.nextID = Int(nextID)
        func items<T>(_ limit: Int, _ decode: (inout BinaryReader) -> T?, _ id: (T) -> Int) -> [Int: T]? {
            guard let count = r.read(UInt32.self), Int(count) <= limit else { return nil }
            var out: [Int: T] = [:]
            for _ in 0..<count {
                guard let item = decode(&r), out[id(item)] == nil, id(item) < nextID else { return nil }
                out[id(item)] = item
            }
            return out
        }
        guard let alerts = items(Workspace.maxAlerts, Alert.decode, \.id), let goals = items(Workspace.maxGoals, Goal.decode, \.id),
              let views = items(Workspace.maxViews, SavedView.decode, \.id) else { return nil }
        w.alerts = alerts; w.goals = goals; w.views = views
        return w
    }
}

extension WorkspaceEdit {
    func encode(into w: inout BinaryWriter) {
        switch self {
        case .settings(let name, let mode, let derive): w.write(UInt8(1)); WorkspaceFields.encodeSettings(name, mode, derive, into: &w)
        case .labels(let labels): w.write(UInt8(2)); WorkspaceFields.encodeLabels(labels, into: &w)
        case .createAlert(let a): w.write(UInt8(3)); a.encode(into: &w)
        case .deleteAlert(let id): w.write(UInt8(4)); w.write(Int64(id))
        case .fire(let id, let f): w.write(UInt8(5)); w.write(Int64(id)); w.write(f.day); w.write(f.atMs); w.write(f.value.bitPattern)
        case .createGoal(let g): w.write(UInt8(6)); g.encode(into: &w)
        case .deleteGoal(let id): w.write(UInt8(7)); w.write(Int64(id))
        case .createView(let v): w.write(UInt8(8)); v.encode(into: &w)
        case .deleteView(let id): w.write(UInt8(9)); w.write(Int64(id))
        }
    }

    static func decode(from r: inout BinaryReader) -> WorkspaceEdit? {
        guard let kind = r.read(UInt8.self) else { return nil }
        switch kind {
        case 1: return WorkspaceFields.decodeSettings(from: &r).map { .settings(companyName: $0.name, productMode: $0.mode, autoDeriveAccounts: $0.derive) }
        case 2: return WorkspaceFields.decodeLabels(from: &r).map { .labels($0) }
        case 3: return Alert.decode(from: &r).map { .createAlert($0) }
        case 5:
            guard let id = r.read(Int64.self), let day = r.read(DayNumber.self), let atMs = r.read(Int64.self), let value = r.read(UInt64.self) else { return nil }
            return .fire(alert: Int(id), AlertFiring(day: day, atMs: atMs, value: Double(bitPattern: value)))
        case 6: return Goal.decode(from: &r).map { .createGoal($0) }
        case 8: return SavedView.decode(from: &r).map { .createView($0) }
        case 4, 7, 9:
            guard let id = r.read(Int64.self) else { return nil }
            return kind == 4 ? .deleteAlert(id: Int(id)) : kind == 7 ? .deleteGoal(id: Int(id)) : .deleteView(id: Int(id))
        default: return nil
        }
    }
}
