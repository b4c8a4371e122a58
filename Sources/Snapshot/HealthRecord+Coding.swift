import Runtime

/// Account health in bytes: its settings, then each kept day as columns (accounts, scores,
/// components five to an account). The same day layout is the WAL payload of a snapshot edit.
extension HealthSettings {
    func encode(into w: inout BinaryWriter) {
        w.write(array: weights.map { UInt8(clamping: $0) }); w.write(UInt8(clamping: greenAt)); w.write(UInt8(clamping: yellowAt))
    }

    static func decode(from r: inout BinaryReader) -> HealthSettings? {
        guard let weights = r.readArray(UInt8.self), let green = r.read(UInt8.self), let yellow = r.read(UInt8.self) else { return nil }
        let settings = HealthSettings(weights: weights.map(Int.init), greenAt: Int(green), yellowAt: Int(yellow))
        return settings.refusal == nil ? settings : nil
    }
}

extension HealthDay {
    func encode(into w: inout BinaryWriter) {
        w.write(day)
        w.write(array: entries.map(\.account)); w.write(array: entries.map(\.score)); w.write(array: entries.flatMap(\.components))
    }

    static func decode(from r: inout BinaryReader) -> HealthDay? {
        let width = HealthComponent.allCases.count
        guard let day = r.read(DayNumber.self), let accounts = r.readArray(UInt32.self), let scores = r.readArray(UInt8.self),
              let components = r.readArray(UInt8.self), scores.count == accounts.count, components.count == accounts.count * width,
              zip(accounts, accounts.dropFirst()).allSatisfy({ $0 < $1 }) else { return nil }
        return HealthDay(day: day, entries: accounts.indices.map { i in
            HealthDay.Entry(account: accounts[i], score: scores[i], components: Array(components[(i * width)..<((i + 1) * width)]))
        })
    }
}

extension HealthRecord {
    func encode(into w: inout BinaryWriter) {
        settings.encode(into: &w)
        w.write(UInt32(days.count))
        for day in days { day.encode(into: &w) }
    }

    static func decode(from r: inout BinaryReader) -> HealthRecord? {
        guard let settings = HealthSettings.decode(from: &r), let count = r.read(UInt32.self), Int(count) <= HealthRecord.keptDays else { return nil }
        var days: [HealthDay] = []
        for _ in 0..<count {
            guard let day = HealthDay.decode(from: &r) else { return nil }
            days.append(day)
        }
        return HealthRecord(settings: settings, days: days)
    }
}

extension HealthEdit {
    func encode(into w: inout BinaryWriter) {
        switch self {
        case .settings(let s): w.write(UInt8(1)); s.encode(into: &w)
        case .snapshot(let d): w.write(UInt8(2)); d.encode(into: &w)
        }
    }

    static func decode(from r: inout BinaryReader) -> HealthEdit? {
        switch r.read(UInt8.self) {
        case 1: HealthSettings.decode(from: &r).map { .settings($0) }
        case 2: HealthDay.decode(from: &r).map { .snapshot($0) }
        default: nil
        }
    }
}
