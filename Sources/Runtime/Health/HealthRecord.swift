/// What the tenant keeps of account health: its settings and one score per account per day that
/// ended, taken like the journeys' daily snapshots (logged, so they survive restarts as they were
/// when taken, whatever the data does after).
public struct HealthRecord: Sendable, Equatable {
    public package(set) var settings = HealthSettings.standard
    /// Oldest first, one per day, at most `keptDays`.
    public package(set) var days: [HealthDay] = []

    public static let keptDays = 90

    public init() {}

    package init(settings: HealthSettings, days: [HealthDay]) { self.settings = settings; self.days = days }

    public func day(_ day: DayNumber) -> HealthDay? { days.first { $0.day == day } }
}

/// Every account's score and components on one day.
public struct HealthDay: Sendable, Equatable {
    public var day: DayNumber
    public var entries: [Entry]

    public struct Entry: Sendable, Equatable {
        public var account: UInt32
        public var score: UInt8
        /// In `HealthComponent.allCases` order.
        public var components: [UInt8]

        public init(account: UInt32, score: UInt8, components: [UInt8]) { self.account = account; self.score = score; self.components = components }
    }

    public init(day: DayNumber, entries: [Entry]) { self.day = day; self.entries = entries }

    public func entry(of account: AccountIndex) -> Entry? {
        // Entries are in account order: a binary search.
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].account < account.rawValue { low = mid + 1 } else { high = mid }
        }
        return low < entries.count && entries[low].account == account.rawValue ? entries[low] : nil
    }
}

/// One change to the health record, as logged in the WAL.
public enum HealthEdit: Sendable, Equatable {
    case settings(HealthSettings)
    case snapshot(HealthDay)
}

/// Why a health edit cannot apply: the field and what is wrong with it.
public struct HealthEditRefusal: Error, Sendable, Equatable {
    public var field: String
    public var reason: String
}

extension TenantState {
    public func refusal(of edit: HealthEdit) -> HealthEditRefusal? {
        switch edit {
        case .settings(let s): s.refusal.map { HealthEditRefusal(field: $0.field, reason: $0.reason) }
        case .snapshot(let d): d.entries.contains { Int($0.account) >= accounts.count || $0.components.count != HealthComponent.allCases.count }
            ? HealthEditRefusal(field: "entries", reason: "names an unknown account or lacks components") : nil
        }
    }

    public mutating func apply(_ edit: HealthEdit) {
        guard refusal(of: edit) == nil else { return }
        switch edit {
        case .settings(let s):
            health.settings = s
        case .snapshot(let d):
            health.days.removeAll { $0.day == d.day }
            health.days.append(d)
            health.days.sort { $0.day < $1.day }
            if health.days.count > HealthRecord.keptDays { health.days.removeFirst(health.days.count - HealthRecord.keptDays) }
        }
        version &+= 1
    }

    /// The snapshots due at `nowMs`: every day that ended since the last one kept (at most
    /// `keptDays`; the first time, the day that last ended only), each from the data as it
    /// stands. Days before any was kept are worked out from the data when asked for.
    public func dueHealthSnapshots(nowMs: Int64) -> [HealthEdit] {
        guard accounts.count > 0 else { return [] }
        let yesterday = day(of: nowMs) - 1
        let first = max(health.days.last.map { $0.day + 1 } ?? yesterday, yesterday - DayNumber(HealthRecord.keptDays) + 1)
        guard first <= yesterday else { return [] }
        return (first...yesterday).map { d in .snapshot(healthDay(asOf: d)) }
    }

    /// Every account's health as of `day`, as kept.
    public func healthDay(asOf day: DayNumber) -> HealthDay {
        HealthDay(day: day, entries: accountHealth(asOf: day).map {
            HealthDay.Entry(account: $0.account.rawValue, score: UInt8($0.score), components: $0.components.map(UInt8.init))
        })
    }
}
