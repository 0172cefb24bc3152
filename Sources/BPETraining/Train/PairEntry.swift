/// A candidate merge in the priority heap (`PairHeap`): a pair and its count when it was
/// pushed. The count may be stale (higher than the pair's count now): the merge loop
/// re-validates an entry when it reaches the top.
///
/// 16 bytes: four heap siblings share about a cache line; the tie-break looks the tokens'
/// bytes up in the heap's vocabulary, and only when two counts tie.
struct PairEntry: Equatable {
    var count: Int64
    var left: UInt32
    var right: UInt32
}
