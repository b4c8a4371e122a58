/// Active users per minute for the newest 60 minutes (live users and sparklines).
public struct MinuteRing: Sendable {
    public static let size = 60
    /// Minute number (ms / 60,000) each slot holds, or `.min` when empty.
    public package(set) var minutes = [Int64](repeating: .min, count: MinuteRing.size)
    public package(set) var users = [Bitmap](repeating: Bitmap(), count: MinuteRing.size)

    public init() {}

    @inline(__always)
    static func minute(of timestampMs: Int64) -> Int64 { floorDiv(SupportedTime.clamped(timestampMs), 60_000) }

    /// Records `user` in the minute of `timestampMs`, unless that minute has rolled out of the ring.
    @inline(__always)
    mutating func record(user: UInt32, timestampMs: Int64) {
        let minute = Self.minute(of: timestampMs)
        let slot = Int(((minute % 60) + 60) % 60)
        if minutes[slot] != minute {
            guard minute > minutes[slot] else { return }
            minutes[slot] = minute
            users[slot] = Bitmap()
        }
        users[slot].insert(user)
    }

    /// The users of `minute`, if the ring still holds it.
    public func users(inMinute minute: Int64) -> Bitmap? {
        let slot = Int(((minute % 60) + 60) % 60)
        return minutes[slot] == minute ? users[slot] : nil
    }

    mutating func reassign(_ from: UInt32, to: UInt32) {
        for i in users.indices where users[i].contains(from) {
            users[i].remove(from); users[i].insert(to)
        }
    }
}
