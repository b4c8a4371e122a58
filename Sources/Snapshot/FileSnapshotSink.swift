#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A snapshot written straight to an open file (the store's temporary file).
struct FileSnapshotSink: SnapshotSink {
    let fd: Int32
    let name: String
    private(set) var offset = 0

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard writeAll(fd, bytes) == bytes.count else { throw StorageFault(operation: "write \(name)", errno: errno == 0 ? EIO : errno) }
        offset += bytes.count
    }

    func overwrite(_ bytes: UnsafeRawBufferPointer, at position: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(position + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw StorageFault(operation: "write \(name)", errno: n < 0 ? errno : EIO) }
            done += n
        }
    }
}
