import CRoaring

/// A set of dense 32-bit ids (users), backed by a CRoaring bitmap, with value semantics:
/// copies share storage until one of them is mutated.
public struct Bitmap: @unchecked Sendable {
    @usableFromInline var storage: RoaringStorage

    public init() { storage = RoaringStorage(roaring_bitmap_create()) }

    package init(taking pointer: UnsafeMutablePointer<roaring_bitmap_t>) { storage = RoaringStorage(pointer) }

    public init<S: Sequence>(_ ids: S) where S.Element == UInt32 {
        self.init()
        for id in ids { roaring_bitmap_add(storage.pointer, id) }
    }

    /// From ids in ascending order, built container by container in one pass.
    public init(ascending ids: [UInt32]) {
        storage = RoaringStorage(ids.isEmpty ? roaring_bitmap_create() : ids.withUnsafeBufferPointer { roaring_bitmap_of_ptr($0.count, $0.baseAddress)! })
    }

    @usableFromInline package var pointer: UnsafePointer<roaring_bitmap_t> { UnsafePointer(storage.pointer) }

    @inlinable mutating func mutablePointer() -> UnsafeMutablePointer<roaring_bitmap_t> {
        if !isKnownUniquelyReferenced(&storage) { makeUnique() }
        return storage.pointer
    }

    @inline(never) @usableFromInline mutating func makeUnique() {
        storage = RoaringStorage(roaring_bitmap_copy(storage.pointer))
    }

    @inlinable public mutating func insert(_ id: UInt32) {
        roaring_bitmap_add(mutablePointer(), id)
    }

    /// Inserts `id`; false when it was already there.
    @inlinable @discardableResult public mutating func insertIfAbsent(_ id: UInt32) -> Bool {
        roaring_bitmap_add_checked(mutablePointer(), id)
    }

    public mutating func remove(_ id: UInt32) {
        roaring_bitmap_remove(mutablePointer(), id)
    }

    public func contains(_ id: UInt32) -> Bool { roaring_bitmap_contains(pointer, id) }

    public var count: Int { Int(roaring_bitmap_get_cardinality(pointer)) }

    public var isEmpty: Bool { roaring_bitmap_is_empty(pointer) }

    /// The members in increasing order.
    public var members: [UInt32] {
        let n = count
        if n == 0 { return [] }
        return [UInt32](unsafeUninitializedCapacity: n) { buffer, initialized in
            roaring_bitmap_to_uint32_array(pointer, buffer.baseAddress)
            initialized = n
        }
    }

    /// Up to `limit` members starting at rank `offset`, in increasing order.
    public func members(offset: Int, limit: Int) -> [UInt32] {
        let available = max(0, min(limit, count - offset))
        if available == 0 { return [] }
        return [UInt32](unsafeUninitializedCapacity: available) { buffer, initialized in
            _ = roaring_bitmap_range_uint32_array(pointer, offset, available, buffer.baseAddress)
            initialized = available
        }
    }

    public mutating func optimize() {
        _ = roaring_bitmap_run_optimize(mutablePointer())
        _ = roaring_bitmap_shrink_to_fit(mutablePointer())
    }

    public var sizeBytes: Int { Int(roaring_bitmap_size_in_bytes(pointer)) }
}

/// Owns one CRoaring bitmap; freed with the last reference.
@usableFromInline final class RoaringStorage {
    @usableFromInline let pointer: UnsafeMutablePointer<roaring_bitmap_t>
    init(_ pointer: UnsafeMutablePointer<roaring_bitmap_t>) { self.pointer = pointer }
    deinit { roaring_bitmap_free(pointer) }
}

extension Bitmap: Equatable {
    public static func == (lhs: Bitmap, rhs: Bitmap) -> Bool { roaring_bitmap_equals(lhs.pointer, rhs.pointer) }
}
