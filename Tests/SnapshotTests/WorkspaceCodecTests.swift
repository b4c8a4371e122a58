import Testing
@testable import Runtime
@testable import Snapshot

/// The workspace through the WAL and a snapshot, and a snapshot written before it existed.
@Suite struct WorkspaceCodecTests {
    static let alert = Alert(id: 1, name: "Busy ✓", metric: .eventType("report viewed"), threshold: -2.5, direction: .below, member: "ann", createdMs: 7,
                             firings: [AlertFiring(day: 20_400, atMs: 9, value: .infinity)])
    static let goal = Goal(id: 2, name: "g", metric: .errorRate, target: 0.01, days: 30, member: "bob", createdMs: -1)
    static let view = SavedView(id: 3, page: "accounts", name: "At risk", state: #"{"a":[1,"x"]}"#, member: "m", createdMs: 0)

    @Test(arguments: [WorkspaceEdit.settings(companyName: "Acme", productMode: .employee, autoDeriveAccounts: true), .settings(companyName: nil, productMode: .b2b, autoDeriveAccounts: false),
                      .labels(["login": "Signed in", "": "empty"]), .labels([:]), .createAlert(alert), .deleteAlert(id: 1), .fire(alert: 1, AlertFiring(day: -3, atMs: 4, value: 0.5)),
                      .createGoal(goal), .deleteGoal(id: 2), .createView(view), .deleteView(id: 3)])
    func workspaceEditsRoundTripThroughTheWAL(_ edit: WorkspaceEdit) throws {
        try expectRoundTrip(.workspaceEdit(edit), type: 18)
    }

    @Test func theWorkspaceSurvivesASnapshot() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        for edit: WorkspaceEdit in [.settings(companyName: "Acme", productMode: .employee, autoDeriveAccounts: true), .labels(["login": "Signed in"]),
                                    .createAlert(Self.alert), .fire(alert: 1, AlertFiring(day: 1, atMs: 2, value: 3)), .createGoal(Self.goal), .createView(Self.view)] {
            try state.apply(edit)
        }
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.workspace == state.workspace && restored.workspace.nextID == 4 && restored.workspace.alerts[1]?.firings.count == 2)
        sections[.workspace] = nil
        #expect(try TenantState(settings: state.settings, sections: sections).workspace == Workspace())
    }
}
