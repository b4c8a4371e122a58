import ArgumentParser
import DemoData
import Foundation

/// `beacon generate`: events of realistic shape (docs in DemoGenerator) as the NDJSON that
/// `beacon import` reads, so a new user has data to look at from the repository alone.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write generated events (NDJSON for `beacon import`).")

    @Option(help: "Number of events.") var events: Int = 100_000
    @Option(help: "Number of users.") var users: Int = 2_000
    @Option(help: "Number of accounts (default users / 20).") var accounts: Int?
    @Option(help: "Days the events span, ending now (or at --end).") var days: Int = 30
    @Option(help: "End of the window: ISO-8601 or epoch milliseconds (default now).") var end: String?
    @Option(help: "Random seed: the same options and seed give the same file.") var seed: UInt64 = 42
    @Option(help: "Output file (default stdout).") var out: String?

    func validate() throws {
        guard (1...100_000_000).contains(events) else { throw ValidationError("--events must be between 1 and 100000000") }
        guard (1...10_000_000).contains(users) else { throw ValidationError("--users must be between 1 and 10000000") }
        if let accounts { guard (1...users).contains(accounts) else { throw ValidationError("--accounts must be between 1 and --users") } }
        guard (1...3650).contains(days) else { throw ValidationError("--days must be between 1 and 3650") }
        if let end { guard Self.parseEnd(end) != nil else { throw ValidationError("--end must be ISO-8601 (2026-11-01T00:00:00Z) or epoch milliseconds") } }
    }

    static func parseEnd(_ text: String) -> Int64? {
        if let ms = Int64(text) { return ms }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970 * 1000) }
    }

    func run() throws {
        let endMs = end.flatMap(Self.parseEnd) ?? Int64(Date().timeIntervalSince1970 * 1000)
        let generator = DemoGenerator(.init(events: events, users: users, accounts: accounts, days: days, endMs: endMs, seed: seed))
        let records = generator.records()
        let handle: FileHandle
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: nil), let file = FileHandle(forWritingAtPath: out) else {
                throw ValidationError("cannot write \(out)")
            }
            handle = file
        } else {
            handle = .standardOutput
        }
        var chunk = ""
        chunk.reserveCapacity(1 << 20)
        for record in records {
            chunk += record.ndjsonLine
            chunk += "\n"
            if chunk.utf8.count >= 1 << 20 { handle.write(Data(chunk.utf8)); chunk.removeAll(keepingCapacity: true) }
        }
        handle.write(Data(chunk.utf8))
        let merges = records.count - events
        FileHandle.standardError.write(Data("beacon generate: \(events) events and \(merges) merges of \(users) users over \(days) days\n".utf8))
    }
}
