@_spi(Plumbing) import BPECore
import CPrefetch

/// The live pairs whose key falls to one shard (`PairShards.shard(of:)`): their ids, counts,
/// word lists and heap. The merge loop keeps one shard per requested thread (up to 16), so that after
/// each merge's rewrite every worker adds up the changes to its own shards' pairs, registers
/// their new pairs and settles their heaps, all at once (`absorb`); the merge chosen next is
/// the best of the shards' published tops (`MergeTrainer.learn`, `PairShardBox.summit`).
///
/// Invariants, each within the shard: `ids`, `counts` and `words` agree (one dense id per
/// registered pair); every live pair either has exactly one heap entry, whose stored count
/// is at least its true count, or is held once by `deferred`, below its floor; between
/// merges the top entry's stored count is its true count and at least the floor
/// (`settleTop`), so the top is the shard's best pair.
struct PairShard {
    var ids = PairMap()
    var counts: [Int64] = []
    /// The words each pair was created in, each once (see `PairWordLists`); may list words
    /// that no longer hold it.
    var words = PairWordLists()
    var heap: PairHeap
    /// The live pairs kept out of the heap while their counts are below its floor.
    private(set) var deferred = DeferredPairs()
    /// The live pairs not tracked (`PairTracking`): their keys, and their counts when last
    /// counted (at least their true counts, which only fall). Not registered, so nothing
    /// else knows them; a recount takes them out (`takeUntracked`).
    var untrackedKeys: [UInt64] = []
    var untrackedCounts: [Int64] = []
    // `registerCombined`'s tables, kept between merges so their memory is reused; owned by
    // the shard's box, which frees them (`deallocate`).
    /// Where each new pair (x, new) and (new, x) is among a merge's combined new pairs, at
    /// 2x and 2x + 1 (one cache line for both); -1 outside `registerCombined`.
    private var combinedPlaces = ScratchColumn<Int32>()
    private var combined = ScratchColumn<MergeScratch.State.NewPair>()
    private var combinedIndex = ScratchColumn<Int32>()
    private var registered = ScratchColumn<Int>()
    private var written = ScratchColumn<Int>()

    init(vocabulary: TokenVocabulary) {
        heap = PairHeap(vocabulary: vocabulary)
    }

    /// Makes room for `pairs` registered pairs in all: the map, counts and word lists then do
    /// not grow (a map's doubling is a copy into fresh memory, on one shard's absorb while
    /// the other workers wait).
    mutating func reserve(pairs: Int) {
        ids.reserve(pairs)
        counts.reserveCapacity(pairs)
        words.reserve(pairs: pairs)
    }

    /// Gives a live pair an id and its count, and puts it in the heap or with the deferred
    /// pairs (`admit`); the caller then gives it its word list (`words.append`, `.reserve` or
    /// `.adopt`).
    mutating func register(_ left: UInt32, _ right: UInt32, count: Int64) {
        let id = Int32(counts.count)
        _ = ids.id(for: MergeTrainer.key(left, right)) { id }
        counts.append(count)
        admit(PairEntry(count: count, left: left, right: right), id: id)
    }

    /// Puts the live pair `entry` (id `id`, its true count in `entry.count`) in the heap if
    /// its count reaches the floor, else with the deferred pairs.
    @inline(__always)
    private mutating func admit(_ entry: PairEntry, id: Int32) {
        if entry.count >= deferred.floor {
            heap.insert(entry)
        } else {
            deferred.hold(DeferredPairs.Pair(left: entry.left, right: entry.right, id: id), count: entry.count)
        }
    }

    // The merge loop reaches a shard through its box; these are `mutating` so that the box's
    // shard is accessed in place (a non-mutating call through a class property may copy the
    // whole shard, a retain of each of its arrays).

    /// The best entry, settled (see `settleTop`).
    mutating func top() -> PairEntry? { heap.top }

    /// The id of the top entry's pair.
    mutating func topID() -> Int {
        let top = heap.top!
        return Int(ids.liveID(for: MergeTrainer.key(top.left, top.right)))
    }

    /// Removes the top entry, whose pair can never be chosen, with its list, and settles the
    /// next one.
    mutating func discardTop(threshold: Int64) {
        let top = heap.popMax()!
        words.drop(Int(ids.liveID(for: MergeTrainer.key(top.left, top.right))))
        settleTop(threshold: threshold)
    }

    /// The words listed for the pair `id`, valid until its list is dropped (`PairWordLists.view`).
    mutating func wordsView(of id: Int) -> UnsafeBufferPointer<UInt32> { words.view(id) }

    /// Pops stale tops until the top entry's stored count is its pair's true count: a stale
    /// one goes back with its true count (to the heap, or to the deferred pairs below their
    /// floor), or, below `threshold`, is dropped with its list (it can never be chosen now).
    /// When the heap empties, the deferred pairs' floor is lowered (`DeferredPairs.lowerFloor`)
    /// until some pair is in the heap again. A settled top is always at least the floor (it
    /// entered the heap at or above the floor of then, which only falls, and kept its count),
    /// so it is the shard's best pair.
    /// - Complexity: O(log heap) per stale entry, plus O(1) per deferred pair taken out.
    mutating func settleTop(threshold: Int64) {
        while true {
            while let top = heap.top {
                let id = Int(ids.liveID(for: MergeTrainer.key(top.left, top.right)))
                let current = counts[id]
                if current == top.count {
                    assert(current >= deferred.floor, "a settled top below the deferred pairs' floor")
                    return
                }
                _ = heap.popMax()
                if current >= threshold {
                    admit(PairEntry(count: current, left: top.left, right: top.right), id: Int32(id))
                } else {
                    words.drop(id)
                }
            }
            if deferred.count == 0 { return }
            for pair in deferred.lowerFloor() {
                let current = counts[Int(pair.id)]
                if current < threshold {
                    words.drop(Int(pair.id))
                } else {
                    admit(PairEntry(count: current, left: pair.left, right: pair.right), id: pair.id)
                }
            }
        }
    }

    /// What a merge's rewrite changed, for one shard: the pair merged, if it is this shard's,
    /// and the scratches that rewrote its words.
    struct Merged {
        var left: UInt32
        var right: UInt32
        var newToken: UInt32
        /// The merged pair's id here, or -1 when another shard holds it.
        var id: Int
    }

    /// This shard's part of a merge once the rewrite is done: the merged pair (if this
    /// shard's, then still its top entry) leaves the heap, takes its change and drops its
    /// list; this shard's vanished pairs that are registered take their losses (looked up
    /// here, each share's in turn); this shard's live new pairs are registered with their
    /// words (joined in scratch order) and pushed; and the top is settled. `isLive` says
    /// which pairs may ever be merged. The result is the same for any number of scratches.
    /// - Complexity: O(pairs changed in this shard + their words listed + log heap each).
    ///
    /// A live new pair counted fewer than `trackFrom` times is not registered but kept with
    /// the untracked pairs (`untrackedKeys`).
    mutating func absorb(
        _ merged: Merged, changes: [MergeScratch.State.ShardChanges], vocabularySize: Int,
        threshold: Int64, trackFrom: Int64, isLive: (UInt32, UInt32, Int64) -> Bool
    ) {
        if merged.id >= 0 {
            _ = heap.popMax()
            for share in changes { counts[merged.id] += share.mergedDelta }
            words.drop(merged.id)
        }
        // A pair two shares touched is looked up twice, the second time in cache.
        let lookup = ids.lookup
        counts.withUnsafeMutableBufferPointer { counts in
            for share in changes {
                let keys = share.vanishedKeys
                let deltas = share.vanishedDeltas
                for index in keys.indices {
                    if index + MergeTrainer.prefetchDistance < keys.count {
                        lookup.prefetch(keys[index + MergeTrainer.prefetchDistance])
                    }
                    let id = lookup.liveID(for: keys[index])
                    if id >= 0 { counts[Int(id)] += deltas[index] }
                }
            }
        }
        // Pairs seen by one share only need no combining: the common case for small merges.
        let sharesWithNewPairs = changes.reduce(0) { $0 + ($1.newPairs.isEmpty ? 0 : 1) }
        if sharesWithNewPairs == 1 {
            let share = changes.first { !$0.newPairs.isEmpty }!
            let newPairs = share.newPairs
            for (index, pair) in newPairs.enumerated() {
                prefetchSlots(of: newPairs, aheadOf: index)
                guard isLive(pair.left, pair.right, pair.count) else { continue }
                if pair.count < trackFrom {
                    keepUntracked(pair.left, pair.right, count: pair.count)
                    continue
                }
                register(pair.left, pair.right, count: pair.count)
                words.append(share.words(of: pair))
            }
        } else if sharesWithNewPairs > 1 {
            registerCombined(
                changes, newToken: merged.newToken, vocabularySize: vocabularySize, trackFrom: trackFrom, isLive: isLive)
        }
        settleTop(threshold: threshold)
    }

    /// Keeps a live pair untracked (see `untrackedKeys`).
    @inline(__always)
    private mutating func keepUntracked(_ left: UInt32, _ right: UInt32, count: Int64) {
        untrackedKeys.append(MergeTrainer.key(left, right))
        untrackedCounts.append(count)
    }

    /// Registering a new pair misses the cache in the pair map, so while `pairs[index]` is
    /// registered the slot of the pair `prefetchDistance` ahead is fetched (at index 0, the
    /// first `prefetchDistance` too: most merges register fewer than twice that many).
    @inline(__always)
    private func prefetchSlots(of pairs: UnsafeBufferPointer<MergeScratch.State.NewPair>, aheadOf index: Int) {
        let distance = MergeTrainer.prefetchDistance
        if index == 0 {
            for pair in pairs.prefix(distance) { ids.prefetch(MergeTrainer.key(pair.left, pair.right)) }
        }
        if index + distance < pairs.count {
            let ahead = pairs[index + distance]
            ids.prefetch(MergeTrainer.key(ahead.left, ahead.right))
        }
    }

    /// Registers and pushes each live pair with `newToken` of this shard that the scratches
    /// saw, once: counts added, word lists joined in scratch order (shares rewrite disjoint
    /// words, so each word is listed once), in the order first seen. Pairs are found by
    /// their other token in a token-indexed table (`combinedPlaces`), reset before returning.
    /// - Complexity: O(pairs seen + words listed).
    private mutating func registerCombined(
        _ changes: [MergeScratch.State.ShardChanges], newToken: UInt32, vocabularySize: Int,
        trackFrom: Int64, isLive: (UInt32, UInt32, Int64) -> Bool
    ) {
        if combinedPlaces.capacity < 2 * vocabularySize {
            combinedPlaces.grow(to: max(2 * vocabularySize, 2 * combinedPlaces.capacity), filling: -1)
        }
        // Each distinct pair with its summed count and number of words, and for each
        // scratch's pair in turn, which of them it is.
        combined.count = 0
        combinedIndex.count = 0
        for share in changes {
            for pair in share.newPairs {
                let place = pair.left == newToken ? 2 * Int(pair.right) + 1 : 2 * Int(pair.left)
                let existing = combinedPlaces[place]
                if existing >= 0 {
                    var sum = combined[Int(existing)]
                    sum.count += pair.count
                    sum.wordCount += pair.wordCount
                    combined[Int(existing)] = sum
                    combinedIndex.append(existing)
                } else {
                    let index = Int32(combined.count)
                    combinedPlaces[place] = index
                    combined.append(pair)
                    combinedIndex.append(index)
                }
            }
        }
        for pair in combined.usedElements {
            combinedPlaces[pair.left == newToken ? 2 * Int(pair.right) + 1 : 2 * Int(pair.left)] = -1
        }
        // Each live pair's id, and how many of its words are written; -1 for pairs not registered.
        let pairs = combined.usedElements
        registered.count = 0
        written.count = 0
        for (index, pair) in pairs.enumerated() {
            prefetchSlots(of: pairs, aheadOf: index)
            written.append(0)
            guard isLive(pair.left, pair.right, pair.count) else {
                registered.append(-1)
                continue
            }
            if pair.count < trackFrom {
                keepUntracked(pair.left, pair.right, count: pair.count)
                registered.append(-1)
                continue
            }
            register(pair.left, pair.right, count: pair.count)
            registered.append(words.reserve(pair.wordCount))
        }
        var position = 0
        for share in changes {
            for pair in share.newPairs {
                let index = Int(combinedIndex[position])
                position += 1
                guard registered[index] >= 0 else { continue }
                let listed = share.words(of: pair)
                words.write(listed, to: registered[index], at: written[index])
                written[index] += listed.count
            }
        }
    }
}

extension PairShard {
    /// Frees the word lists and `registerCombined`'s lists; called once, by the owning box.
    mutating func deallocate() {
        words.deallocate()
        combinedPlaces.deallocate()
        combined.deallocate()
        combinedIndex.deallocate()
        registered.deallocate()
        written.deallocate()
    }
}

/// A shard that one worker changes while the others change theirs (`MergeTrainer.learn`),
/// with what the other workers read of it between two of its changes (`summit`).
///
/// `@unchecked Sendable`: the merge loop's workers are separated by barriers into steps.
/// Only the shard's owner touches `shard`, and only in the steps where it absorbs a merge
/// or discards its top; it then publishes `summit`, which every worker reads only in the
/// steps after the next barrier, and which nobody writes then.
final class PairShardBox: @unchecked Sendable {
    var shard: PairShard
    /// The shard's settled top as of the last `publish`.
    private(set) var summit: Summit

    /// What every worker needs of a shard to choose the next merge and rewrite it, read
    /// without touching the shard itself (a read of `shard` through the box could copy it).
    struct Summit {
        /// The shard's settled top entry (its true count), nil when it has no live pair.
        var top: PairEntry?
        /// The top pair's id in the shard, -1 without a top.
        var id: Int
        /// The top pair's word list, valid until the shard drops it (when it absorbs the
        /// merge of that pair, or discards it): a view, so reading it takes no reference.
        var words: UnsafeBufferPointer<UInt32>
    }

    init(_ shard: PairShard) {
        self.shard = shard
        summit = Summit(top: nil, id: -1, words: UnsafeBufferPointer(start: nil, count: 0))
    }

    deinit { shard.deallocate() }

    /// Records the shard's top, its id and list in `summit`: called by the
    /// shard's owner after each change, once the top is settled.
    /// - Complexity: O(1) expected (one map lookup).
    func publish() {
        guard let top = shard.top() else {
            summit = Summit(top: nil, id: -1, words: UnsafeBufferPointer(start: nil, count: 0))
            return
        }
        let id = shard.topID()
        summit = Summit(top: top, id: id, words: shard.wordsView(of: id))
    }
}

/// Which shard holds a pair: a hash of its key independent of `PairMap`'s slot hash (which
/// takes the product's high bits), so that a shard's keys still spread over its map.
enum PairShards {
    @inline(__always)
    static func shard(of key: UInt64, among shards: Int) -> Int {
        if shards == 1 { return 0 }
        var mixed = key ^ (key >> 31)
        mixed = mixed &* 0xBF58_476D_1CE4_E5B9
        mixed ^= mixed >> 29
        return Int(truncatingIfNeeded: mixed % UInt64(shards))
    }
}
