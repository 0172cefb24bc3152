/// The live pairs of a shard kept out of its heap (`PairShard`) while their counts are below
/// `floor`, a power of two: the heap holds only the pairs that may be merged soon, so it
/// stays small enough for its pops and pushes to stay in cache (with every pair in it, a
/// pop walked a 4-ary heap of millions of entries, a cache miss per level).
///
/// Pairs wait in buckets by the binary logarithm of their count when they were put there.
/// When the shard's heap empties, the floor halves and the bucket of the new floor is taken
/// out (`lowerFloor`): each of its pairs goes to the
/// heap if its count now reaches the floor, or back to the bucket of its count now (counts
/// only fall), or is dropped once it cannot be chosen. Buckets below the floor's are never
/// taken before it falls to them, so each pair is looked at about once per bucket it falls
/// through.
///
/// Invariant: every pair held has a count (when put here) in `1 ..< floor`; as counts only
/// fall, its true count is below `floor` too, so a settled top at or above `floor` is better
/// than every pair held here.
struct DeferredPairs {
    /// A held pair: its tokens (for its heap entry) and its id in the shard.
    struct Pair: Equatable {
        var left: UInt32
        var right: UInt32
        var id: Int32
    }

    /// `buckets[k]` holds pairs whose count was in `2^k ..< 2^(k+1)` when put there.
    private var buckets = [[Pair]](repeating: [], count: 63)
    /// The floor is `1 << floorExponent`; it starts above any count, so that every pair
    /// starts here and the heap fills from the top down.
    private(set) var floorExponent = 62
    /// Pairs held.
    private(set) var count = 0

    var floor: Int64 { 1 << Int64(floorExponent) }

    /// Holds `pair`, whose count is `pairCount` (in `1 ..< floor`).
    @inline(__always)
    mutating func hold(_ pair: Pair, count pairCount: Int64) {
        assert(pairCount >= 1 && pairCount < floor, "count \(pairCount) outside 1 ..< \(floor)")
        buckets[Int(63 - UInt64(pairCount).leadingZeroBitCount)].append(pair)
        count += 1
    }

    /// Halves the floor and returns the pairs of its bucket, which are no longer held (the
    /// caller moves each to the heap, back here, or drops it); none when nothing is held.
    mutating func lowerFloor() -> [Pair] {
        guard count > 0, floorExponent > 0 else { return [] }
        floorExponent -= 1
        let taken = buckets[floorExponent]
        buckets[floorExponent] = []
        count -= taken.count
        return taken
    }

    /// Every pair held, for invariant checks.
    var all: [Pair] { buckets.flatMap { $0 } }
}
