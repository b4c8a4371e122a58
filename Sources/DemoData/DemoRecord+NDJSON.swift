import Foundation

extension DemoRecord {
    /// One NDJSON line in the shape `beacon import` reads (the generator's fields: `event`,
    /// `user_id`, `account_id`, `timestamp`, `page`, `properties`; merges as `{"type":"merge",...}`).
    public var ndjsonLine: String {
        switch self {
        case .event(let e):
            var line = #"{"event":\#(Self.quoted(e.name)),"user_id":\#(Self.quoted(e.user))"#
            if let account = e.account { line += #","account_id":\#(Self.quoted(account))"# }
            line += #","timestamp":"\#(Self.iso(e.timestampMs))""#
            if let page = e.page { line += #","page":\#(Self.quoted(page))"# }
            line += #","properties":{"# + e.properties.map { "\(Self.quoted($0.key)):\(Self.quoted($0.value))" }.joined(separator: ",") + "}}"
            return line
        case .merge(let anonymous, let user, let at):
            return #"{"type":"merge","anonymous_id":\#(Self.quoted(anonymous)),"user_id":\#(Self.quoted(user)),"timestamp":"\#(Self.iso(at))"}"#
        }
    }

    /// The generator's strings are plain ASCII names; quotes and backslashes are escaped anyway.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// UTC ISO-8601 with milliseconds, by arithmetic (Howard Hinnant's days-to-civil): a formatter per line would be slow.
    static func iso(_ ms: Int64) -> String {
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let msOfDay = ms - days * 86_400_000
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", year, month, day,
                      msOfDay / 3_600_000, msOfDay / 60_000 % 60, msOfDay / 1000 % 60, msOfDay % 1000)
    }
}
