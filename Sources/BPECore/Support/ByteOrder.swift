import Glibc

/// The one order of byte strings in swift-bpe: unsigned lexicographic, a proper prefix first
/// (SPEC §4's tie-break, and the order of a count file's words). `@_spi(Plumbing)` and
/// inlinable, like `ByteHash`: the trainer's heap compares with it.
@_spi(Plumbing) public enum ByteOrder {
    /// Negative, zero or positive as `a` sorts before, with, or after `b`.
    @inlinable @inline(__always)
    public static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int32 {
        let common = Swift.min(a.count, b.count)
        if common > 0 {
            let result = memcmp(a.baseAddress!, b.baseAddress!, common)
            if result != 0 { return result }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
