/// Apps: an event is in the app its `app_id` property names (a whole number), and in the
/// default app (`-323232`) otherwise (docs/pendo.md, Concepts).
final class AppTags {
    /// The `app_id` key; nil when no event names an app, so every event is the default app's.
    let key: UInt32?
    private let state: TenantState
    private var bySet: [UInt32: Int] = [:]

    init(_ state: TenantState) {
        self.state = state
        key = state.propertySets.keys.lookup("app_id")
    }

    func app(ofSet set: UInt32) -> Int {
        guard let key else { return PipelineEnvironment.appID }
        if let known = bySet[set] { return known }
        let named = state.propertySets.value(of: key, in: PropertySetIndex(set)).flatMap { Int(state.propertySets.values.string($0)) }
        let app = named ?? PipelineEnvironment.appID
        bySet[set] = app
        return app
    }

    /// Every app with events: the default one first, then by id. The values of `app_id` come from
    /// the property day index for the sealed chunks and from the open chunk's rows; only when the
    /// index cannot say (too many keys or values) are all property sets read.
    lazy var all: [Int] = {
        guard let key else { return [PipelineEnvironment.appID] }
        var found: Set<Int> = [PipelineEnvironment.appID]
        var complete = true
        if !state.days.isEmpty {
            for day in state.days.firstDay...state.days.lastDay {
                switch state.propertyDays.lookup(key: key, day: day)?.entry {
                case .values(let entry)?:
                    for value in entry.values.keys { found.insert(Int(state.propertySets.values.string(value)) ?? PipelineEnvironment.appID) }
                case .unindexed?: complete = false
                case .absent?, nil: break
                }
                if !complete { break }
            }
        }
        if complete {
            for set in state.log.open.propertySets { found.insert(app(ofSet: set)) }
        } else {
            for set in 0..<UInt32(state.propertySets.count) { found.insert(app(ofSet: set)) }
        }
        return [PipelineEnvironment.appID] + found.subtracting([PipelineEnvironment.appID]).sorted()
    }()

    /// The apps a source reads, when they leave some events out: nil when it reads every event.
    func filter(_ source: PipelineSource) -> Set<Int>? {
        let wanted = source.apps
        guard key != nil else { return wanted.contains(PipelineEnvironment.appID) ? nil : [] }
        return all.allSatisfy(wanted.contains) ? nil : wanted
    }
}

extension TenantPipelineData {
    /// The tenant's apps with events, the default one first.
    public var appIDs: [Int] { apps.all }

    /// The `apps` source: every app with events.
    func appRows() -> [PipelineRow] {
        apps.all.map { id in
            ["id": PipelineValue(id), "appId": PipelineValue(id), "name": .string(id == PipelineEnvironment.appID ? "Beacon" : "App \(id)"),
             "platform": .string("web"), "kind": .string("App")]
        }
    }
}
