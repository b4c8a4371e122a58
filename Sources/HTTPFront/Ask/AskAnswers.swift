import Actors
import Foundation
import Runtime

/// Answers an understood question from the tenant's data with the same queries the native API
/// runs, and says which call repeats it.
enum AskAnswers {
    struct Row: Encodable, Equatable { var name: String; var count: Int; var users: Int? }
    struct Step: Encodable, Equatable { var eventType: String; var users: Int; var conversion: Double }
    struct Data: Encodable, Equatable {
        var value: Int?
        var previousValue: Int?
        var change: Double?
        var rows: [Row]?
        var steps: [Step]?
    }
    struct Query: Encodable, Equatable { var method: String; var path: String }
    struct Result { var text: String; var data: Data; var queries: [Query]; var range: DayRange }

    static func number(_ n: Int) -> String { n.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US"))) }
    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }

    static func window(_ range: DayRange) -> String { "days=\(range.count)&end=\(TenantCalendar.isoDate(range.last))" }
    static func span(_ range: DayRange) -> String {
        range.count == 1 ? TenantCalendar.isoDate(range.first) : "\(TenantCalendar.isoDate(range.first)) to \(TenantCalendar.isoDate(range.last))"
    }

    static func path(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?&=#"))) ?? text }

    /// "up 5.0% from 120" when there is a previous period to compare with.
    static func comparison(_ now: Int, _ before: Int, what: String) -> (text: String, change: Double?) {
        guard before > 0 else { return (" There were none \(what), so there is no change to give.", nil) }
        let change = Double(now - before) / Double(before)
        let direction = now == before ? "the same as" : now > before ? "up \(percent(change)) from" : "down \(percent(-change)) from"
        return (" That is \(direction) \(number(before)) \(what).", change)
    }

    static func answer(_ q: AskQuestion, tenant: TenantActor) async throws -> Result {
        let today = QueryParameters.today(tenant)
        let range = q.period.range(today: today), before = AskPeriod.previous(range)
        let label = "\(q.period.phrase) (\(span(range)))"
        switch q.intent {
        case .activeUsers:
            let (now, then) = try await tenant.read { ($0.distinctActiveUsers(range), $0.distinctActiveUsers(before)) }
            var text = "\(number(now)) users were active \(label)."
            var data = Data(value: now)
            var queries = [Query(method: "GET", path: "/api/adoption?\(window(range))")]
            if q.compare {
                let c = comparison(now, then, what: "in the \(before.count) days before")
                text += c.text; data.previousValue = then; data.change = c.change
                queries.append(Query(method: "GET", path: "/api/adoption?\(window(before))"))
            }
            return Result(text: text, data: data, queries: queries, range: range)

        case .eventCount:
            let type = q.eventTypes[0]
            let (now, then) = try await tenant.read { state in
                (state.eventTypeUsage(range).first { $0.name == type }, state.eventTypeUsage(before).first { $0.name == type })
            }
            var text = "\(type) happened \(number(now?.count ?? 0)) times \(label), sent by \(number(now?.users ?? 0)) users."
            var data = Data(value: now?.count ?? 0, rows: [Row(name: type, count: now?.count ?? 0, users: now?.users ?? 0)])
            var queries = [Query(method: "GET", path: "/api/events?\(window(range))")]
            if q.compare {
                let c = comparison(now?.count ?? 0, then?.count ?? 0, what: "in the \(before.count) days before")
                text += c.text; data.previousValue = then?.count ?? 0; data.change = c.change
                queries.append(Query(method: "GET", path: "/api/events?\(window(before))"))
            }
            return Result(text: text, data: data, queries: queries, range: range)

        case .topEvents:
            let rows = try await tenant.read { state in state.eventTypeUsage(range).filter { !state.catalog.archivedTypes.contains($0.name) }.prefix(5).map { Row(name: $0.name, count: $0.count, users: $0.users) } }
            let list = rows.enumerated().map { "\($0.offset + 1). \($0.element.name) (\(number($0.element.count)) events, \(number($0.element.users ?? 0)) users)" }
            let text = rows.isEmpty ? "No events were sent \(label)." : "The top events \(label): " + list.joined(separator: "; ") + "."
            return Result(text: text, data: Data(rows: rows), queries: [Query(method: "GET", path: "/api/events?\(window(range))")], range: range)

        case .topPages:
            let rows = try await tenant.read { $0.pageViews(range, limit: 5).map { Row(name: $0.page, count: $0.views) } }
            let list = rows.enumerated().map { "\($0.offset + 1). \($0.element.name) (\(number($0.element.count)) views)" }
            let text = rows.isEmpty ? "No page was viewed \(label)." : "The most viewed pages \(label): " + list.joined(separator: "; ") + "."
            return Result(text: text, data: Data(rows: rows), queries: [Query(method: "GET", path: "/api/pages?\(window(range))&limit=5")], range: range)

        case .funnel:
            let steps = q.eventTypes
            let funnel = try await tenant.scan { $0.funnel(steps: steps, range: range, windowMs: 7 * TenantCalendar.dayMs) }
            let first = max(1, funnel.steps.first?.users ?? 0)
            let rows = funnel.steps.map { Step(eventType: $0.eventType, users: $0.users, conversion: Double($0.users) / Double(first)) }
            let parts = rows.map { "\($0.eventType) \(number($0.users))" }.joined(separator: " → ")
            let overall = rows.last.map { percent($0.conversion) } ?? "0%"
            let text = (funnel.steps.first?.users ?? 0) == 0
                ? "Nobody did \(steps[0]) \(label), so the funnel is empty."
                : "\(label.prefix(1).uppercased() + label.dropFirst()), within 7 days of \(steps[0]): \(parts). \(overall) of those who started reached \(steps.last!)."
            let query = Query(method: "GET", path: "/api/funnels?steps=\(steps.map(path).joined(separator: ","))&\(window(range))&window_days=7")
            return Result(text: text, data: Data(value: rows.last?.users, steps: rows), queries: [query], range: range)

        case .decliningAccounts:
            let top = try await tenant.read { Array($0.decliningAccounts(range).prefix(5)) }
            let rows = top.map { Row(name: $0.account, count: $0.events, users: $0.activeUsers) }
            let list = top.map { "\($0.account) (events down \(percent($0.decline)), \(number($0.previousEvents)) → \(number($0.events)))" }
            let text = rows.isEmpty ? "No account's events fell \(label) against the \(range.count) days before."
                : "Accounts whose events fell most \(label) against the \(range.count) days before: " + list.joined(separator: "; ") + "."
            return Result(text: text, data: Data(value: rows.count, rows: rows), queries: [Query(method: "GET", path: "/api/accounts/declining?\(window(range))")], range: range)

        case .unhealthyAccounts:
            let page = try await tenant.scan(.health) { state -> (Int, [Row]) in
                let p = state.healthList(asOf: today, status: .red, order: .score, limit: 5)
                return (p.total, p.rows.map { Row(name: state.accountNames.string($0.account.rawValue), count: $0.score) })
            }
            let list = page.1.map { "\($0.name) (score \($0.count))" }
            let text = page.0 == 0 ? "No account is red today." : "\(number(page.0)) accounts are red (health below the yellow threshold) today; the lowest: " + list.joined(separator: "; ") + "."
            return Result(text: text, data: Data(value: page.0, rows: page.1), queries: [Query(method: "GET", path: "/api/health?status=red&sort=score")],
                          range: DayRange(first: today, last: today))

        case .userActivity:
            let name = q.subject!
            let detail = try await tenant.scan { state -> (TenantState.UserDetail, [Row])? in
                guard let d = state.userDetail(name, eventsLimit: 0) else { return nil }
                var calendar = state.calendar
                let ranged = state.privacyUser(name).map { u in state.privacyRecord(user: u).events.filter { range.all.contains(calendar.day(of: $0.timestampMs)) } } ?? []
                var counts: [String: Int] = [:]
                for e in ranged { counts[e.eventType, default: 0] += 1 }
                return (d, counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5).map { Row(name: $0.key, count: $0.value) })
            }
            guard let (d, rows) = detail else {
                return Result(text: "There is no user \(name).", data: Data(value: 0), queries: [Query(method: "GET", path: "/api/users/\(path(name))")], range: range)
            }
            let total = rows.reduce(0) { $0 + $1.count }
            let list = rows.map { "\($0.name) ×\(number($0.count))" }.joined(separator: ", ")
            let text = "\(d.user) sent \(number(d.events)) events in all, last seen \(ISOText.timestamp(d.lastSeenMs))"
                + (d.account.map { ", account \($0)" } ?? "") + ". \(label.prefix(1).uppercased() + label.dropFirst()): " + (total == 0 ? "nothing." : "\(number(total)) events, mostly \(list).")
            return Result(text: text, data: Data(value: total, rows: rows), queries: [Query(method: "GET", path: "/api/users/\(path(name))")], range: range)

        case .accountActivity:
            let name = q.subject!
            let (detail, previous) = try await tenant.read { state in
                (state.accountDetail(name, range: range, topUsers: 3), state.accountDetail(name, range: before, topUsers: 0))
            }
            guard let detail else {
                return Result(text: "There is no account \(name).", data: Data(value: 0), queries: [Query(method: "GET", path: "/api/accounts/\(path(name))")], range: range)
            }
            let u = detail.usage
            var text = "\(u.account): \(number(u.activeUsers)) of its \(number(u.users)) users were active \(label)."
            var data = Data(value: u.activeUsers, rows: detail.topUsers.map { Row(name: $0.user, count: $0.events) })
            var queries = [Query(method: "GET", path: "/api/accounts/\(path(name))?\(window(range))")]
            if q.compare, let previous {
                let c = comparison(u.activeUsers, previous.usage.activeUsers, what: "active users in the \(before.count) days before")
                text += c.text; data.previousValue = previous.usage.activeUsers; data.change = c.change
                queries.append(Query(method: "GET", path: "/api/accounts/\(path(name))?\(window(before))"))
            }
            if let top = detail.topUsers.first { text += " Its most active user was \(top.user) (\(number(top.events)) events)." }
            return Result(text: text, data: data, queries: queries, range: range)
        }
    }
}
