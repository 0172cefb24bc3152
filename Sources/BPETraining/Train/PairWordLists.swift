/// The words each registered pair was created in, by pair id, each list ascending; a pair that
/// is merged or can no longer be chosen drops its list.
///
/// Each list is its own allocation, made once at its exact size when the pair is
/// registered: freed lists go back to the allocator, which reuses them for later ones. (One
/// append-only arena with compaction was measured instead: 12% faster merge loop on
/// mixed-100m's counts, but 18% slower and +277 MiB peak on mixed-1g's, from its growth
/// and compaction copies.)
struct PairWordLists {
    private var lists: [[UInt32]] = []

    /// Lists, one per registered pair.
    var count: Int { lists.count }

    /// Registers the next pair's list (id `count`): a copy of `words`.
    /// - Complexity: O(words).
    mutating func append(_ words: UnsafeBufferPointer<UInt32>) {
        // Never asked for 0 elements (see `MergeScratch.State.finish`).
        lists.append(words.isEmpty ? [] : Array(words))
    }

    /// Registers the next pair's list (id `count`) as `length` words, 0 until written with
    /// `write(_:to:at:)`; returns the pair's id.
    /// - Complexity: O(length).
    mutating func reserve(_ length: Int) -> Int {
        lists.append(length == 0 ? [] : [UInt32](repeating: 0, count: length))
        return lists.count - 1
    }

    /// Writes `words` into the list of `pair` from position `offset` on.
    mutating func write(_ words: UnsafeBufferPointer<UInt32>, to pair: Int, at offset: Int) {
        lists[pair].withUnsafeMutableBufferPointer { list in
            precondition(offset >= 0 && offset + words.count <= list.count, "write past the list of pair \(pair)")
            (list.baseAddress! + offset).update(from: words.baseAddress!, count: words.count)
        }
    }

    /// Calls `body` with the list of `pair` (empty once dropped).
    func withWords<Result>(of pair: Int, _ body: (UnsafeBufferPointer<UInt32>) throws -> Result) rethrows -> Result {
        try lists[pair].withUnsafeBufferPointer(body)
    }

    /// The number of words listed for `pair`.
    func length(of pair: Int) -> Int { lists[pair].count }

    /// Forgets the list of `pair`; it is empty from now on.
    mutating func drop(_ pair: Int) { lists[pair] = [] }
}
