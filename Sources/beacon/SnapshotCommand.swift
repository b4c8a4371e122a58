import ArgumentParser
import Foundation
import Runtime
import Snapshot

struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Read snapshot files and WALs.",
        subcommands: [Inspect.self, Verify.self])

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a snapshot's header, sections, sizes and counts.")
        @Argument(help: "A .bsnap file.") var file: String

        func run() throws {
            let url = URL(fileURLWithPath: file)
            let data = try Data(contentsOf: url, options: .alwaysMapped)
            let header = try SnapshotFile.read(data, name: url.lastPathComponent, settings: nil, decode: false).header
            let read = try SnapshotFile.read(data, name: url.lastPathComponent, settings: TenantSettings(id: header.tenant, name: header.tenant), decode: true)
            print("file          \(url.lastPathComponent) (\(data.count) bytes)")
            print("format        version \(SnapshotFile.formatVersion)")
            print("tenant        \(header.tenant)")
            print("sequence      \(header.sequence)")
            print("wal position  \(header.walPosition)")
            print("created       \(Date(timeIntervalSince1970: Double(header.createdMs) / 1000))")
            print("sections")
            for section in read.sections {
                print("  \(section.section.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(section.rawBytes) bytes, \(section.compressedBytes) compressed")
            }
            if let state = read.state {
                let stats = state.dataStats
                print("counts        events \(stats.eventsIngested) (retained \(stats.eventsRetained)), users \(stats.users), accounts \(stats.accounts), event types \(stats.eventTypes), pages \(stats.pages)")
                if state.logsIngested > 0 { print("logs          \(state.logsIngested) (retained \(state.logs.count))") }
                if stats.eventsIngested > 0 { print("bytes/event   \(String(format: "%.2f", Double(data.count) / Double(stats.eventsIngested)))") }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check every snapshot and WAL segment under a data directory; exits non-zero on damage.")
        @Argument(help: "The storage.data_dir of a server.") var dataDir: String

        func run() throws {
            let root = URL(fileURLWithPath: dataDir)
            let tenants = (try? FileManager.default.contentsOfDirectory(atPath: root.path).sorted()) ?? []
            var damaged = 0
            for tenant in tenants {
                let snapshots = SnapshotStore(directory: root.appendingPathComponent(tenant).appendingPathComponent("snapshots"))
                for file in snapshots.files() {
                    do {
                        let data = try Data(contentsOf: snapshots.directory.appendingPathComponent(file.name), options: .alwaysMapped)
                        _ = try SnapshotFile.read(data, name: file.name, settings: TenantSettings(id: tenant, name: tenant), decode: true)
                        print("ok       \(tenant)/snapshots/\(file.name)")
                    } catch {
                        damaged += 1
                        print("DAMAGED  \(tenant)/snapshots/\(file.name): \(error)")
                    }
                }
                let wal = root.appendingPathComponent(tenant).appendingPathComponent("wal")
                do {
                    let report = try WALReader.scan(wal, truncateTornTail: false) { _ in }
                    if let torn = report.tornTail {
                        print("torn     \(tenant)/wal/\(torn.segment) at byte \(torn.offset) (a crash mid-write; recovery drops it)")
                    }
                    print("ok       \(tenant)/wal (\(WALReader.segments(in: wal).count) segments, \(report.records) records)")
                } catch {
                    damaged += 1
                    print("DAMAGED  \(tenant)/wal: \(error)")
                }
            }
            if damaged > 0 { throw ExitCode(1) }
        }
    }
}
