/// The ends of the next few words a `WordCursor` has found in one call to a preset scanner
/// (`PresetScanner.scan`), waiting to be handed out one by one. Each word starts where the
/// one before it ended, so ends are enough. One call per batch instead of per word saves the
/// call's fixed cost, which is as large as scanning a short word.
///
/// Inline storage (a tuple): a cursor is a value, and copying one copies its read-ahead.
@_spi(Plumbing) public struct WordReadAhead {
    /// Ends per batch.
    public static let capacity = 32

    @usableFromInline var ends: (
        Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int,
        Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int
    ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    /// The next end to hand out.
    @usableFromInline var index = 0
    /// How many ends the last batch found.
    @usableFromInline var count = 0

    @inlinable
    public init() {}

    /// Whether an end is waiting.
    @inlinable @inline(__always)
    var hasNext: Bool { index < count }

    /// The next end (requires `hasNext`).
    @inlinable @inline(__always)
    mutating func take() -> Int {
        let end = withUnsafeBytes(of: &ends) { $0.load(fromByteOffset: index &* MemoryLayout<Int>.stride, as: Int.self) }
        index &+= 1
        return end
    }

    /// Refills from `scanner`: the words from `offset` on, up to `capacity`, that it can
    /// resolve below `limit`. Returns how many it found.
    @inlinable
    mutating func fill(
        _ scanner: PresetScanner, subject: UnsafeBufferPointer<UInt8>, from offset: Int, limit: Int
    ) -> Int {
        let found = withUnsafeMutableBytes(of: &ends) { storage in
            scanner.scan(
                in: subject, from: offset, limit: limit,
                into: storage.baseAddress!.assumingMemoryBound(to: Int.self), capacity: Self.capacity)
        }
        index = 0
        count = found
        return found
    }
}
