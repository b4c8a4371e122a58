import CZstd

/// zstd compression of snapshot sections.
public enum Zstd {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func compress(_ input: [UInt8], level: Int32 = 3) throws -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { destination in
                ZSTD_compress(destination.baseAddress, bound, source.baseAddress, input.count, level)
            }
        }
        if ZSTD_isError(written) != 0 { throw Failure(description: String(cString: ZSTD_getErrorName(written))) }
        output.removeSubrange(written...)
        return output
    }

    /// Decompresses into exactly `size` bytes; anything else is damage.
    public static func decompress(_ input: UnsafeRawBufferPointer, size: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: size)
        let written = output.withUnsafeMutableBytes { destination in
            ZSTD_decompress(destination.baseAddress, size, input.baseAddress, input.count)
        }
        if ZSTD_isError(written) != 0 { throw Failure(description: String(cString: ZSTD_getErrorName(written))) }
        guard written == size else { throw Failure(description: "decompressed \(written) bytes, expected \(size)") }
        return output
    }
}
