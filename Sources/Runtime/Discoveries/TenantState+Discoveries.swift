import Foundation

/// What a run found for one behaviour and success event: the counts behind the lift.
public struct DiscoveryFinding: Sendable, Equatable {
    public var successID: Int
    public var behaviour: DiscoveryBehaviour
    /// Cohort users who did the behaviour in their first days (before reaching success), and how
    /// many of them reached it.
    public var doers: Int
    public var doersReached: Int
    /// The rest of the cohort, and how many of them reached it.
    public var others: Int
    public var othersReached: Int

    public var doerRate: Double { Double(doersReached) / Double(doers) }
    public var otherRate: Double { Double(othersReached) / Double(others) }
    public var lift: Double { doerRate / otherRate }

    /// The 95% interval of the lift (a ratio of two proportions, on the log scale: Katz).
    public var interval: (low: Double, high: Double) {
        let se = (1 / Double(doersReached) - 1 / Double(doers) + 1 / Double(othersReached) - 1 / Double(others)).squareRoot()
        let center = Foundation.log(lift)
        return (Foundation.exp(center - 1.96 * se), Foundation.exp(center + 1.96 * se))
    }
}

/// Who a run looks at for one success event: per user, when their behaviour window closes
/// (`Int64.min` outside the cohort), and who reached success.
public struct DiscoveryCohort: Sendable {
    public var success: SuccessEvent
    public var successType: UInt32?
    /// Per user id (canonical ids only), rows timed before this count as behaviour.
    public var cutoffs: [Int64]
    /// Bit u: user u reached success within the window.
    public var reached: [UInt64]
    public var users: Int
    public var reachedUsers: Int
    /// Each logged user's canonical id; empty when no identities were merged.
    public var canonical: [UInt32]
}

extension TenantState {
    /// A behaviour needs this many doers, and as many others, to be judged.
    public static let discoveryMinUsers = 10
    /// A property with more values than this on one event type's rows is not split by value (nor
    /// are pages past `discoveryMaxPages`): such values are ids, not behaviours.
    public static let discoveryMaxValues = 50
    public static let discoveryMaxPages = 100
    /// The findings kept per success event, by lift.
    public static let discoveryMaxFindings = 100

    /// The cohort: users (canonical) whose first `behaviourDays` days are over at `nowMs`.
    public func discoveryCohort(_ success: SuccessEvent, nowMs: Int64) -> DiscoveryCohort {
        let count = users.count
        let canonical: [UInt32] = users.mergedCount > 0 ? (0..<UInt32(count)).map { users.canonical($0) } : []
        let successType = eventTypeNames.lookup(success.eventType)
        var firstSuccess = [Int64](repeating: .max, count: count)
        if let successType {
            func take(_ columns: EventColumns, _ row: Int) {
                let raw = columns.users[row]
                let u = Int(canonical.isEmpty ? raw : canonical[Int(raw)])
                firstSuccess[u] = min(firstSuccess[u], columns.timestamps[row])
            }
            for chunk in log.sealed { chunk.rowsByType.withRows(ofType: successType) { for row in $0 { take(chunk.columns, Int(row)) } } }
            for row in 0..<log.open.count where log.open.types[row] == successType { take(log.open, row) }
        }
        var cutoffs = [Int64](repeating: .min, count: count)
        var reached = [UInt64](repeating: 0, count: (count + 63) / 64)
        var cohortUsers = 0, reachedUsers = 0
        let behaviourMs = Int64(success.behaviourDays) * TenantCalendar.dayMs, windowMs = Int64(success.windowDays) * TenantCalendar.dayMs
        for u in 0..<count where users.summaries[u].isKnown(id: u) {
            let first = users.summaries[u].firstSeen
            guard first <= nowMs - behaviourMs else { continue }
            cohortUsers += 1
            cutoffs[u] = min(first + behaviourMs, firstSuccess[u])
            if firstSuccess[u] <= first + windowMs { reached[u >> 6] |= 1 << UInt64(u & 63); reachedUsers += 1 }
        }
        return DiscoveryCohort(success: success, successType: successType, cutoffs: cutoffs, reached: reached,
                               users: cohortUsers, reachedUsers: reachedUsers, canonical: canonical)
    }

    /// The findings among the event types `t` with `t % parts == part` (types never share a
    /// behaviour, so parts share nothing): every behaviour whose doers reach success more often.
    public func discoveryFindings(_ cohort: DiscoveryCohort, part: Int, of parts: Int) -> [DiscoveryFinding] {
        var scan = BehaviourScan(state: self, cohort: cohort)
        var findings: [DiscoveryFinding] = []
        for t in 0..<UInt32(eventTypeNames.count) where Int(t) % parts == part && t != cohort.successType {
            findings += scan.findings(ofType: t)
        }
        return findings
    }

    /// The parts' findings, best first, at most `discoveryMaxFindings`.
    public static func rankedDiscoveryFindings(_ parts: [[DiscoveryFinding]]) -> [DiscoveryFinding] {
        let all = parts.joined().sorted { a, b in
            a.lift != b.lift ? a.lift > b.lift : a.doers != b.doers ? a.doers > b.doers : a.behaviour.description < b.behaviour.description
        }
        return Array(all.prefix(discoveryMaxFindings))
    }
}

/// One part's scan, type by type: each behaviour's doers as a bitset over user ids, counted as
/// bits are first set (so no pass over the bitsets), with the behaviours of a property set worked
/// out once per type.
private struct BehaviourScan {
    let state: TenantState
    let cohort: DiscoveryCohort
    let words: Int
    /// Per property set, where its behaviours start in `setBehaviours` (-1: not seen for this type).
    var setFirst: [Int32]
    var touchedSets: [Int] = []
    /// Behaviour indexes, each set's list ended by -1.
    var setBehaviours: [Int32] = []
    var pageBehaviour: [Int32]
    var touchedPages: [Int] = []

    init(state: TenantState, cohort: DiscoveryCohort) {
        self.state = state; self.cohort = cohort
        words = cohort.reached.count
        setFirst = [Int32](repeating: -1, count: state.propertySets.count)
        pageBehaviour = [Int32](repeating: -1, count: state.pageNames.count)
    }

    /// One type's behaviours: per behaviour one allocation of its bitset followed by its two
    /// counts (doers, doers reached), owned here and freed at the end. The table of allocations
    /// is sized for the most behaviours a type can have, so marking reads only constants.
    final class Marks {
        var behaviours: [DiscoveryBehaviour] = []
        let table: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>
        let words: Int
        init(words: Int, capacity: Int) {
            self.words = words
            table = .allocate(capacity: capacity)
        }
        deinit {
            for i in 0..<behaviours.count { table[i].deallocate() }
            table.deallocate()
        }

        func add(_ behaviour: DiscoveryBehaviour) -> Int32 {
            let p = UnsafeMutablePointer<UInt64>.allocate(capacity: words + 2)
            p.initialize(repeating: 0, count: words + 2)
            table[behaviours.count] = p
            behaviours.append(behaviour)
            return Int32(behaviours.count - 1)
        }

        func doers(_ b: Int) -> Int { Int(table[b][words]) }
        func doersReached(_ b: Int) -> Int { Int(table[b][words + 1]) }
    }

    mutating func findings(ofType type: UInt32) -> [DiscoveryFinding] {
        let typeName = state.eventTypeNames.string(type)
        // The type itself, each page up to the cap and one past it, each key's values up to the cap and one past it.
        let marks = Marks(words: words, capacity: 2 + TenantState.discoveryMaxPages + (TenantState.discoveryMaxValues + 1) * max(1, state.propertySets.keys.count))
        _ = marks.add(DiscoveryBehaviour(kind: .event, eventType: typeName))
        var byPair: [UInt64: Int32] = [:]
        var valuesPerKey: [UInt32: Int] = [:]
        var crowdedKeys: Set<UInt32> = []
        var pages = 0
        for s in touchedSets { setFirst[s] = -1 }
        for p in touchedPages { pageBehaviour[p] = -1 }
        touchedSets.removeAll(keepingCapacity: true); touchedPages.removeAll(keepingCapacity: true); setBehaviours.removeAll(keepingCapacity: true)

        /// Where the behaviours of property set `set` start in `setBehaviours`, worked out on first sight.
        func behavioursStart(of set: Int) -> Int {
            if setFirst[set] >= 0 { return Int(setFirst[set]) }
            let start = setBehaviours.count
            for (key, value) in state.propertySets.pairs(PropertySetIndex(UInt32(set))) where !crowdedKeys.contains(key) {
                let pair = UInt64(key) << 32 | UInt64(value)
                if let b = byPair[pair] { setBehaviours.append(b); continue }
                valuesPerKey[key, default: 0] += 1
                if valuesPerKey[key]! > TenantState.discoveryMaxValues { crowdedKeys.insert(key); continue }
                let b = marks.add(DiscoveryBehaviour(kind: .property, eventType: typeName, key: state.propertySets.keys.string(key),
                                                     value: state.propertySets.values.string(value)))
                byPair[pair] = b; setBehaviours.append(b)
            }
            setBehaviours.append(-1)
            setFirst[set] = Int32(start); touchedSets.append(set)
            return start
        }
        func pageMark(_ page: UInt32) -> Int32 {
            var b = pageBehaviour[Int(page)]
            if b < 0, pages <= TenantState.discoveryMaxPages {
                pages += 1
                b = marks.add(DiscoveryBehaviour(kind: .page, eventType: typeName, value: state.pageNames.string(page)))
                pageBehaviour[Int(page)] = b; touchedPages.append(Int(page))
            }
            return b
        }
        let noPage = PageIndex.none.rawValue
        cohort.cutoffs.withUnsafeBufferPointer { cutoffs in
            cohort.reached.withUnsafeBufferPointer { reached in
                cohort.canonical.withUnsafeBufferPointer { canonical in
                    /// Marks behaviour b for user u (word, mask), counting a first mark.
                    let table = marks.table, words = self.words
                    @inline(__always) func mark(_ b: Int, _ word: Int, _ mask: UInt64, _ isReached: Bool) {
                        let bits = table[b]
                        guard bits[word] & mask == 0 else { return }
                        bits[word] |= mask
                        bits[words] &+= 1
                        if isReached { bits[words + 1] &+= 1 }
                    }
                    func scan(_ columns: EventColumns, rows: UnsafeBufferPointer<UInt16>?) {
                        columns.timestamps.withUnsafeBufferPointer { times in
                            columns.users.withUnsafeBufferPointer { users in
                                columns.pages.withUnsafeBufferPointer { pageColumn in
                                    columns.propertySets.withUnsafeBufferPointer { sets in
                                        columns.types.withUnsafeBufferPointer { types in
                                            func take(_ row: Int) {
                                                let raw = users[row]
                                                let u = Int(canonical.isEmpty ? raw : canonical[Int(raw)])
                                                guard times[row] < cutoffs[u] else { return }
                                                let word = u >> 6, mask = UInt64(1) << UInt64(u & 63)
                                                let isReached = reached[word] & mask != 0
                                                mark(0, word, mask, isReached)
                                                let page = pageColumn[row]
                                                if page != noPage {
                                                    let b = pageMark(page)
                                                    if b >= 0 { mark(Int(b), word, mask, isReached) }
                                                }
                                                var i = behavioursStart(of: Int(sets[row]))
                                                while setBehaviours[i] >= 0 { mark(Int(setBehaviours[i]), word, mask, isReached); i += 1 }
                                            }
                                            if let rows { for row in rows { take(Int(row)) } } else {
                                                for row in 0..<types.count where types[row] == type { take(row) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    for chunk in state.log.sealed {
                        chunk.rowsByType.withRows(ofType: type) { rows in if !rows.isEmpty { scan(chunk.columns, rows: rows) } }
                    }
                    if state.log.open.count > 0 { scan(state.log.open, rows: nil) }
                }
            }
        }

        let crowdedNames = Set(crowdedKeys.map { state.propertySets.keys.string($0) })
        var found: [DiscoveryFinding] = []
        for (i, behaviour) in marks.behaviours.enumerated() {
            if behaviour.kind == .property, crowdedNames.contains(behaviour.key) { continue }
            if behaviour.kind == .page, pages > TenantState.discoveryMaxPages { continue }
            let f = DiscoveryFinding(successID: cohort.success.id, behaviour: behaviour, doers: marks.doers(i), doersReached: marks.doersReached(i),
                                     others: cohort.users - marks.doers(i), othersReached: cohort.reachedUsers - marks.doersReached(i))
            guard f.doers >= TenantState.discoveryMinUsers, f.others >= TenantState.discoveryMinUsers,
                  f.doersReached > 0, f.othersReached > 0, f.lift > 1 else { continue }
            found.append(f)
        }
        return found
    }
}
