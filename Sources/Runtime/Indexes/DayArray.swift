/// One value per day over a contiguous run of days, grown in either direction as days arrive.
struct DayArray<Element: Sendable>: Sendable {
    private(set) var firstDay: DayNumber = 0
    private(set) var values: [Element] = []
    private let empty: Element

    init(empty: Element) { self.empty = empty }

    var count: Int { values.count }

    /// The slot of `day`, adding empty days as needed.
    @inline(__always)
    mutating func slot(for day: DayNumber) -> Int {
        if !values.isEmpty, day >= firstDay, Int(day - firstDay) < values.count { return Int(day - firstDay) }
        return grow(to: day)
    }

    @inline(never)
    private mutating func grow(to day: DayNumber) -> Int {
        if values.isEmpty { firstDay = day; values = [empty]; return 0 }
        if day < firstDay {
            values.insert(contentsOf: repeatElement(empty, count: Int(firstDay - day)), at: 0)
            firstDay = day
            return 0
        }
        values.append(contentsOf: repeatElement(empty, count: Int(day - firstDay) + 1 - values.count))
        return Int(day - firstDay)
    }

    /// The value of `day`, or nil outside the run.
    subscript(day: DayNumber) -> Element? {
        day >= firstDay && Int(day - firstDay) < values.count ? values[Int(day - firstDay)] : nil
    }

    subscript(slot slot: Int) -> Element {
        get { values[slot] }
        _modify { yield &values[slot] }
    }

    /// Drops days before `day`.
    mutating func dropDays(before day: DayNumber) {
        guard !values.isEmpty, day > firstDay else { return }
        let n = min(values.count, Int(day - firstDay))
        values.removeFirst(n)
        firstDay += DayNumber(n)
    }
}
