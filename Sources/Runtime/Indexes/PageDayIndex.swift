/// Per day (tenant time zone) and page, the page views of the sealed chunks: who viewed the page
/// (as logged) and how often, and where in the log the first of them lies. Built as a chunk
/// seals, like the property day index; the open chunk is read row by row. The Pendo API's
/// `pageEvents` by day, week or month reads it instead of the events.
public struct PageDayIndex: Sendable {
    public struct Views: Sendable {
        public fileprivate(set) var users = Bitmap()
        public fileprivate(set) var count = 0
        /// The first view's place in the log: the sealing serial of its chunk, then its row.
        public fileprivate(set) var firstPosition = UInt64.max
    }

    public struct Day: Sendable {
        public fileprivate(set) var pages: [UInt32: Views] = [:]
        /// Everyone who viewed any page that day: the union of the pages' viewers, kept so a
        /// question about every page needs no union of its own.
        public fileprivate(set) var viewers = Bitmap()
    }

    private var days = DayArray(empty: Day())
    /// Sealed chunks added so far: each one's serial orders its rows before the next one's.
    public private(set) var chunksAdded: UInt64 = 0

    public init() {}

    public subscript(day: DayNumber) -> Day? { days[day] }

    /// The place of a row of the chunk that seals next (the open one) in the same order.
    public func openPosition(row: Int) -> UInt64 { chunksAdded << 32 | UInt64(row) }

    mutating func add(_ columns: EventColumns, calendar: TenantCalendar, isPageView: [Bool]) {
        var calendar = calendar
        var lists: [UInt64: (users: [UInt32], first: Int)] = [:]
        var lastTs = Int64.min, lastDay: DayNumber = 0
        for row in 0..<columns.count {
            let type = Int(columns.types[row]), page = columns.pages[row]
            guard type < isPageView.count, isPageView[type], page != PageIndex.none.rawValue else { continue }
            let ts = columns.timestamps[row]
            if ts != lastTs { lastDay = calendar.day(of: ts); lastTs = ts }
            let key = UInt64(UInt32(bitPattern: lastDay)) << 32 | UInt64(page)
            if lists[key] == nil { lists[key] = ([], row) }
            lists[key]!.users.append(columns.users[row])
        }
        for (key, list) in lists {
            let day = DayNumber(bitPattern: UInt32(truncatingIfNeeded: key >> 32)), page = UInt32(truncatingIfNeeded: key)
            let slot = days.slot(for: day)
            var views = days[slot: slot].pages[page] ?? Views()
            let users = Bitmap(list.users)
            views.users.formUnion(users)
            days[slot: slot].viewers.formUnion(users)
            views.count += list.users.count
            views.firstPosition = min(views.firstPosition, chunksAdded << 32 | UInt64(list.first))
            days[slot: slot].pages[page] = views
        }
        chunksAdded += 1
    }

    mutating func dropDays(before day: DayNumber) { days.dropDays(before: day) }

    var memoryBytes: Int {
        days.values.reduce(0) { total, day in day.pages.values.reduce(total + day.viewers.sizeBytes + 64) { $0 + $1.users.sizeBytes + 32 } }
    }
}
