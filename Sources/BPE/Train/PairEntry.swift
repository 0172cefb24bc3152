/// A candidate merge in the priority heap: a pair and its count when it was pushed.
///
/// Order (SPEC §4): higher count first; among equal counts, the greater bytes of the left
/// token, then the greater bytes of the right token, as unsigned byte strings. `Heap.max` is
/// the best pair. The count may be stale (higher than the pair's count now): the merge loop
/// re-validates an entry when it reaches the top.
struct PairEntry: Comparable {
    var count: Int64
    var pair: Int32
    var left: UInt32
    var right: UInt32
    /// The tokens' bytes, which never move while the trainer lives (`TokenVocabulary`).
    var leftBytes: UnsafeBufferPointer<UInt8>
    var rightBytes: UnsafeBufferPointer<UInt8>

    static func < (a: PairEntry, b: PairEntry) -> Bool {
        if a.count != b.count { return a.count < b.count }
        let byLeft = TokenVocabulary.compare(a.leftBytes, b.leftBytes)
        if byLeft != 0 { return byLeft < 0 }
        return TokenVocabulary.compare(a.rightBytes, b.rightBytes) < 0
    }

    static func == (a: PairEntry, b: PairEntry) -> Bool {
        a.count == b.count && a.left == b.left && a.right == b.right
    }
}
