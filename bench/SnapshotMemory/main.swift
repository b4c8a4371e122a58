// Peak memory of writing one snapshot: builds a tenant of generated events, then writes a
// snapshot of it to a temporary directory and reports how far resident memory rose above the
// state itself while doing so. Prints one JSON object to stdout.
//   [WRITES=N] beacon-snapshot-memory [EVENTS] [USERS]      (default 4,000,000 events, 200,000 users)
import Foundation
import Runtime
import Snapshot

func statusField(_ name: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
          let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) else { return 0 }
    return kb * 1024
}

/// Resets the kernel's high-water mark so VmHWM measures from here on.
func resetPeak() { try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }

func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

let arguments = CommandLine.arguments
let events = arguments.count > 1 ? Int(arguments[1]) ?? 4_000_000 : 4_000_000
let userCount = arguments.count > 2 ? Int(arguments[2]) ?? 200_000 : 200_000
let nowMs: Int64 = 1_790_000_000_000
let types = (0..<40).map { "event_\($0)" }
let pages = (0..<200).map { "/page/\($0)" }

log("building \(events) events over \(userCount) users ...")
var state = TenantState(settings: TenantSettings(id: "mem", name: "mem", retentionDays: 0))
var generator = SystemRandomNumberGenerator()
var made = 0
while made < events {
    let batch = (0..<min(1000, events - made)).map { i -> EventInput in
        let n = made + i
        let user = Int.random(in: 0..<userCount, using: &generator)
        return EventInput(eventType: types[n % types.count], user: "user-\(user)", account: "acct-\(user % 5000)",
                          page: pages[Int.random(in: 0..<pages.count, using: &generator)],
                          timestampMs: nowMs - 30 * 86_400_000 + Int64(n) * (30 * 86_400_000 / Int64(events)),
                          properties: [.init("plan", ["free", "pro", "team"][user % 3]), .init("n", "\(n % 97)")])
    }
    _ = try state.ingest(batch, nowMs: nowMs, anonymousID: "anon")
    made += batch.count
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("snapshot-memory-\(getpid())")
defer { try? FileManager.default.removeItem(at: directory) }
let store = SnapshotStore(directory: directory)
let header = SnapshotFile.Header(tenant: "mem", sequence: 1, walPosition: 0, createdMs: nowMs)

// With WRITES=N, N batches of 1,000 events by known users land while the snapshot is written, as
// ingest goes on in the server: each first write to an array the snapshot's copy shares copies it.
let concurrentBatches = Int(ProcessInfo.processInfo.environment["WRITES"] ?? "") ?? 0
let lateBatches = (0..<concurrentBatches).map { b in
    (0..<1000).map { i in
        EventInput(eventType: types[i % types.count], user: "user-\((b * 1000 + i) % userCount)", account: "acct-\(i % 5000)",
                   page: pages[i % pages.count], timestampMs: nowMs - 1000, properties: [.init("plan", "pro"), .init("n", "\(i % 97)")])
    }
}

let rssBefore = statusField("VmRSS")
resetPeak()
let start = DispatchTime.now().uptimeNanoseconds
let copy = state
let finished = DispatchSemaphore(value: 0)
nonisolated(unsafe) var written: Result<Int, any Error> = .success(0)
Thread {
    written = Result { try SnapshotWriting.write(copy, header: header, to: store) }
    finished.signal()
}.start()
for batch in lateBatches { _ = try state.ingest(batch, nowMs: nowMs, anonymousID: "anon") }
finished.wait()
let bytes = try written.get()
let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
let peak = statusField("VmHWM")

let mb = { (bytes: Int) in Double(bytes) / 1_048_576 }
print(String(format: #"{"events": %d, "users": %d, "writes_meanwhile": %d, "state_rss_mb": %.1f, "peak_rss_mb": %.1f, "snapshot_extra_mb": %.1f, "file_mb": %.1f, "seconds": %.2f}"#,
             events, userCount, concurrentBatches * 1000, mb(rssBefore), mb(peak), mb(peak - rssBefore), mb(bytes), seconds))
