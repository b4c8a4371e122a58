import CRoaring
import Runtime

/// Bitmaps in CRoaring's portable format (readable by every Roaring implementation).
extension BinaryWriter {
    public mutating func write(bitmap: Bitmap) {
        let size = roaring_bitmap_portable_size_in_bytes(bitmap.pointer)
        var buffer = [UInt8](repeating: 0, count: size)
        buffer.withUnsafeMutableBytes { _ = roaring_bitmap_portable_serialize(bitmap.pointer, $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
        write(bytes: buffer)
    }
}

extension BinaryReader {
    /// A bitmap, decoded with the bounds-checked reader; nil when the bytes do not hold one.
    public mutating func readBitmap() -> Bitmap? {
        guard let bytes = readBytes() else { return nil }
        if bytes.isEmpty { return nil }
        guard let pointer = roaring_bitmap_portable_deserialize_safe(bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count) else { return nil }
        // The safe reader checks bounds; a size that disagrees means the bytes were not one bitmap.
        guard roaring_bitmap_portable_size_in_bytes(pointer) == bytes.count else { roaring_bitmap_free(pointer); return nil }
        return Bitmap(taking: pointer)
    }
}
