import CZstd

/// One zstd frame compressed from pieces given one at a time, its output handed on as zstd makes
/// it: a snapshot section never has to exist whole, raw or compressed. The frame records
/// `rawSize` as `Zstd.compress` does (the reader checks it), so the total must be known first.
public final class ZstdFrameWriter {
    public typealias Output = (UnsafeRawBufferPointer) throws -> Void

    private let context = ZSTD_createCCtx()!
    private var buffer = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())

    /// - Parameter rawSize: the total of the pieces to come; zstd fails the frame if they add up to anything else.
    public init(rawSize: Int, level: Int32 = 3) throws {
        try Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level))
        try Self.check(ZSTD_CCtx_setPledgedSrcSize(context, UInt64(rawSize)))
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses the next piece; `output` receives whatever compressed bytes are ready, in order.
    public func write(_ piece: UnsafeRawBufferPointer, to output: Output) throws {
        var input = ZSTD_inBuffer(src: piece.baseAddress, size: piece.count, pos: 0)
        while input.pos < input.size { _ = try step(&input, ZSTD_e_continue, output) }
    }

    public func write(_ piece: [UInt8], to output: Output) throws {
        try piece.withUnsafeBytes { try write($0, to: output) }
    }

    /// Ends the frame and hands on the rest; fails when the pieces did not add up to `rawSize`.
    public func finish(to output: Output) throws {
        var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try step(&input, ZSTD_e_end, output) != 0 {}
    }

    /// One call into zstd, its output handed on. Returns how much zstd still holds to flush.
    private func step(_ input: inout ZSTD_inBuffer, _ directive: ZSTD_EndDirective, _ output: Output) throws -> Int {
        let capacity = buffer.count
        let (left, produced) = try buffer.withUnsafeMutableBytes { bytes in
            var out = ZSTD_outBuffer(dst: bytes.baseAddress, size: capacity, pos: 0)
            let left = ZSTD_compressStream2(context, &out, &input, directive)
            try Self.check(left)
            return (left, out.pos)
        }
        if produced > 0 { try buffer.withUnsafeBytes { try output(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
        return left
    }

    private static func check(_ code: Int) throws {
        if ZSTD_isError(code) != 0 { throw Zstd.Failure(description: String(cString: ZSTD_getErrorName(code))) }
    }
}
