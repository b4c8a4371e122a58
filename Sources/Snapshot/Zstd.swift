import CZstd
import Synchronization

/// zstd compression of snapshot sections.
public enum Zstd {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Compression contexts kept for reuse: a fresh context per call would clear its tables
    /// (hundreds of KB) every time, which costs more than compressing a request body.
    private static let idleContexts = Mutex<[CompressionContext]>([])

    /// Owns one ZSTD_CCtx; used by one thread at a time (handed out by the pool).
    private final class CompressionContext: @unchecked Sendable {
        let pointer = ZSTD_createCCtx()!
        deinit { ZSTD_freeCCtx(pointer) }
    }

    public static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = 3) throws -> [UInt8] {
        let context = idleContexts.withLock { $0.popLast() } ?? CompressionContext()
        defer { idleContexts.withLock { if $0.count < 8 { $0.append(context) } } }
        let bound = ZSTD_compressBound(input.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { destination in
            ZSTD_compressCCtx(context.pointer, destination.baseAddress, bound, input.baseAddress, input.count, level)
        }
        if ZSTD_isError(written) != 0 { throw Failure(description: String(cString: ZSTD_getErrorName(written))) }
        output.removeSubrange(written...)
        return output
    }

    public static func compress(_ input: [UInt8], level: Int32 = 3) throws -> [UInt8] {
        try input.withUnsafeBytes { try compress($0, level: level) }
    }

    /// The most one call decompresses: more than any section or request body this server writes.
    public static let maxDecompressedSize = 1 << 36

    /// The size a zstd frame says it decompresses to, or nil when the bytes are not a frame
    /// that records it (`compress` always records it).
    public static func declaredSize(_ input: UnsafeRawBufferPointer) -> UInt64? {
        let declared = ZSTD_getFrameContentSize(input.baseAddress, input.count)
        // UInt64.max - 1 and UInt64.max are ZSTD_CONTENTSIZE_UNKNOWN and ZSTD_CONTENTSIZE_ERROR.
        return declared < UInt64.max - 1 ? declared : nil
    }

    /// Decompresses into exactly `size` bytes; anything else is damage. `size` comes from disk,
    /// so before anything is allocated it must be plausible and agree with the size the zstd
    /// frame declares (the frame header lies inside the checksummed bytes).
    public static func decompress(_ input: UnsafeRawBufferPointer, size: Int) throws -> [UInt8] {
        guard size >= 0, size <= maxDecompressedSize else { throw Failure(description: "implausible decompressed size \(size)") }
        guard let declared = declaredSize(input) else { throw Failure(description: "not a zstd frame with a recorded size") }
        guard declared == UInt64(size) else { throw Failure(description: "the frame holds \(declared) bytes, expected \(size)") }
        var output = [UInt8](repeating: 0, count: size)
        let written = output.withUnsafeMutableBytes { destination in
            ZSTD_decompress(destination.baseAddress, size, input.baseAddress, input.count)
        }
        if ZSTD_isError(written) != 0 { throw Failure(description: String(cString: ZSTD_getErrorName(written))) }
        guard written == size else { throw Failure(description: "decompressed \(written) bytes, expected \(size)") }
        return output
    }
}
