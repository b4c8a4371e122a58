import CRoaring

/// Set algebra named after CRoaring's: `intersection` builds a new bitmap, `formIntersection`
/// mutates, `intersectionCount` counts without building anything.
extension Bitmap {
    public func union(_ other: Bitmap) -> Bitmap { Bitmap(taking: roaring_bitmap_or(pointer, other.pointer)) }
    public mutating func formUnion(_ other: Bitmap) { roaring_bitmap_or_inplace(mutablePointer(), other.pointer) }
    public func unionCount(_ other: Bitmap) -> Int { Int(roaring_bitmap_or_cardinality(pointer, other.pointer)) }

    public func intersection(_ other: Bitmap) -> Bitmap { Bitmap(taking: roaring_bitmap_and(pointer, other.pointer)) }
    public mutating func formIntersection(_ other: Bitmap) { roaring_bitmap_and_inplace(mutablePointer(), other.pointer) }
    public func intersectionCount(_ other: Bitmap) -> Int { Int(roaring_bitmap_and_cardinality(pointer, other.pointer)) }

    public func subtracting(_ other: Bitmap) -> Bitmap { Bitmap(taking: roaring_bitmap_andnot(pointer, other.pointer)) }
    public mutating func subtract(_ other: Bitmap) { roaring_bitmap_andnot_inplace(mutablePointer(), other.pointer) }
    public func subtractingCount(_ other: Bitmap) -> Int { Int(roaring_bitmap_andnot_cardinality(pointer, other.pointer)) }

    /// The union of many bitmaps in one pass (CRoaring's lazy many-way OR).
    public static func union<C: Collection>(of bitmaps: C) -> Bitmap where C.Element == Bitmap {
        if bitmaps.isEmpty { return Bitmap() }
        if bitmaps.count == 1 { return bitmaps.first! }
        // A few small ones: pairwise ORs keep array containers as arrays, where the many-way OR
        // turns every container into a bitset and back.
        if bitmaps.count <= 8 {
            var result = bitmaps.first!
            for other in bitmaps.dropFirst() { result.formUnion(other) }
            return result
        }
        var pointers: [UnsafePointer<roaring_bitmap_t>?] = bitmaps.map { $0.pointer }
        let result = pointers.withUnsafeMutableBufferPointer { buffer in
            roaring_bitmap_or_many(buffer.count, buffer.baseAddress)!
        }
        withExtendedLifetime(bitmaps) {}
        return Bitmap(taking: result)
    }
}
