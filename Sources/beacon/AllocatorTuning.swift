#if canImport(Glibc)
import CMalloc
#endif

/// glibc raises its mmap threshold whenever a large block is freed; from then on large blocks
/// (chunk columns, scan tables, snapshot buffers) come from the heap, and the pages they leave
/// behind are seldom returned. Over a 30-minute soak (bench/soak.py) that grew the server from
/// 100 to 137 MB while its state stayed at 11 MB. Pinning the threshold at glibc's initial
/// 128 KiB keeps each large block in a mapping of its own, returned when freed: the same soak
/// levels off near 62 MB.
enum AllocatorTuning {
    static func apply() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, 128 << 10)
        #endif
    }
}
