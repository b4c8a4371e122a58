import Runtime

/// An interner's strings copied once into memory this object owns, so a cursor hands SQLite a
/// pointer that stays put for the whole query (no copy per value, no closure per read).
final class SQLNames {
    private let bytes: UnsafeMutableRawBufferPointer
    private let starts: UnsafeMutableBufferPointer<UInt32>

    init(_ interner: ByteInterner) {
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, interner.arena.count), alignment: 8)
        interner.arena.withUnsafeBytes { if let from = $0.baseAddress { bytes.baseAddress!.copyMemory(from: from, byteCount: $0.count) } }
        let starts = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: interner.starts.count)
        _ = starts.initialize(from: interner.starts)
        self.bytes = bytes
        self.starts = starts
    }

    deinit {
        bytes.deallocate()
        starts.deallocate()
    }

    @inline(__always) func put(_ id: UInt32, into result: SQLResultContext) {
        let start = Int(starts[Int(id)]), end = Int(starts[Int(id) + 1])
        result.lasting(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<end]))
    }
}
