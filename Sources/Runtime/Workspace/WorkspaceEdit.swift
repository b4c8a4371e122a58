/// One change to the workspace, as logged in the WAL; firings are derived (the alerts' run).
public enum WorkspaceEdit: Sendable, Equatable {
    case settings(companyName: String?, productMode: Workspace.ProductMode, autoDeriveAccounts: Bool)
    case labels([String: String])
    case createAlert(Alert)
    case deleteAlert(id: Int)
    case fire(alert: Int, AlertFiring)
    case createGoal(Goal)
    case deleteGoal(id: Int)
    case createView(SavedView)
    case deleteView(id: Int)
}

public enum WorkspaceEditRefusal: Error, Sendable, Equatable {
    case unknown(kind: String, id: Int)
    case full(kind: String, limit: Int)
    case duplicateID(Int)
}

extension TenantState {
    public var nextWorkspaceID: Int { workspace.nextID }

    public func refusal(of edit: WorkspaceEdit) -> WorkspaceEditRefusal? {
        let w = workspace
        switch edit {
        case .settings: return nil
        case .labels(let labels): return labels.count > Workspace.maxLabels ? .full(kind: "labels", limit: Workspace.maxLabels) : nil
        case .createAlert(let a):
            if w.alerts[a.id] != nil { return .duplicateID(a.id) }
            return w.alerts.count >= Workspace.maxAlerts ? .full(kind: "alerts", limit: Workspace.maxAlerts) : nil
        case .createGoal(let g):
            if w.goals[g.id] != nil { return .duplicateID(g.id) }
            return w.goals.count >= Workspace.maxGoals ? .full(kind: "goals", limit: Workspace.maxGoals) : nil
        case .createView(let v):
            if w.views[v.id] != nil { return .duplicateID(v.id) }
            return w.views.count >= Workspace.maxViews ? .full(kind: "views", limit: Workspace.maxViews) : nil
        case .deleteAlert(let id), .fire(let id, _): return w.alerts[id] == nil ? .unknown(kind: "alert", id: id) : nil
        case .deleteGoal(let id): return w.goals[id] == nil ? .unknown(kind: "goal", id: id) : nil
        case .deleteView(let id): return w.views[id] == nil ? .unknown(kind: "view", id: id) : nil
        }
    }

    public mutating func apply(_ edit: WorkspaceEdit) throws(WorkspaceEditRefusal) {
        if let refusal = refusal(of: edit) { throw refusal }
        func taking(_ id: Int) { workspace.nextID = max(workspace.nextID, id &+ 1) }   // &+: an id read back from the WAL must not trap
        switch edit {
        case .settings(let name, let mode, let derive):
            workspace.companyName = name; workspace.productMode = mode; workspace.autoDeriveAccounts = derive
        case .labels(let labels): workspace.labels = labels
        case .createAlert(let a): workspace.alerts[a.id] = a; taking(a.id)
        case .deleteAlert(let id): workspace.alerts[id] = nil
        case .fire(let id, let firing):
            workspace.alerts[id]!.firings.append(firing)
            if workspace.alerts[id]!.firings.count > Alert.keptFirings { workspace.alerts[id]!.firings.removeFirst() }
        case .createGoal(let g): workspace.goals[g.id] = g; taking(g.id)
        case .deleteGoal(let id): workspace.goals[id] = nil
        case .createView(let v): workspace.views[v.id] = v; taking(v.id)
        case .deleteView(let id): workspace.views[id] = nil
        }
        version &+= 1
    }
}
