import Foundation
import Runtime

/// Runs a scan of the event log in parts, one per core, and hands the parts back in order.
/// The tenant's actor calls it while it holds the state, so nothing changes underneath and no
/// copy is made; the parts read a shared, immutable view of the state.
public enum SplitScan {
    public static var parts: Int { max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)) }

    /// Chunk numbers `0..<chunkCount` cut into `parts` contiguous ranges.
    public static func ranges(chunkCount: Int, parts: Int) -> [Range<Int>] {
        (0..<parts).map { i in (chunkCount * i / parts)..<(chunkCount * (i + 1) / parts) }
    }

    public static func run<Part: Sendable>(_ state: TenantState, parts: Int = SplitScan.parts,
                                           _ part: @Sendable (TenantState, Range<Int>) -> Part) -> [Part] {
        let ranges = ranges(chunkCount: state.log.chunkCount, parts: parts)
        let results = Results<Part>(count: ranges.count)
        DispatchQueue.concurrentPerform(iterations: ranges.count) { i in results.store(part(state, ranges[i]), at: i) }
        return results.collected()
    }

    /// `part` once per part number `0..<parts`, on as many cores (a split by something other
    /// than the log's chunks, such as users).
    public static func runNumbered<Part: Sendable>(_ state: TenantState, parts: Int = SplitScan.parts,
                                                   _ part: @Sendable (TenantState, Int) -> Part) -> [Part] {
        let results = Results<Part>(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { i in results.store(part(state, i), at: i) }
        return results.collected()
    }

    /// One slot per part, each written by one worker only.
    private final class Results<Part>: @unchecked Sendable {
        private let slots: UnsafeMutableBufferPointer<Part?>
        init(count: Int) { slots = .allocate(capacity: count); slots.initialize(repeating: nil) }
        deinit { slots.deinitialize(); slots.deallocate() }
        func store(_ value: Part, at i: Int) { slots[i] = value }
        func collected() -> [Part] { slots.map { $0! } }
    }
}
