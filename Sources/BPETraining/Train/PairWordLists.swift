@_spi(Plumbing) import BPECore

/// The words each registered pair was created in, by pair id, each word once; a pair that is
/// merged or can no longer be chosen drops its list. The initial lists are ascending, and so
/// is each worker's part of a later one (joined in worker order; the workers take blocks of
/// a merge's list in turn, so a joined list is only piecewise ascending: sorting them cost
/// 3–7% of the merge loop at two threads, and nothing needs the order).
///
/// The initial count's lists stay where the count wrote them, in one flat array adopted as
/// `base` (copying them out had to fault in as much fresh memory again, on the merge phase's
/// serial path); whole pages inside a dropped base list go back to the system. Every later
/// list is its own allocation, made once at its exact size when its pair is registered:
/// freed lists go back to the allocator, which reuses them for later ones. (One append-only
/// arena for all lists, with compaction, was measured too: 12% faster merge loop on
/// mixed-100m's counts, but 18% slower and +277 MiB peak on mixed-1g's, from its growth and
/// compaction copies.)
///
/// A later list is plain memory, not a Swift array: making an array of a size known only at
/// run time looked its generic metadata up each time, and a list that every merge worker
/// reads (`view`) is then a pointer, with no reference count bounced between cores. So the
/// lists have one owner, which frees what is left of them once (`deallocate`; `PairShardBox`
/// does it for its shard's).
///
/// Invariant: list `id` is `base[baseStarts[id] ..< baseStarts[id] + baseLengths[id]]` when
/// `baseLengths[id] > 0`, else `lists[id]` (allocated, or empty with no memory); base lists
/// never overlap (within these lists and with those of every other `PairWordLists` sharing
/// `base`: one per pair shard); `baseKept` counts the base lists not dropped, and `base` is
/// let go when it reaches 0 (and freed once every sharer has).
struct PairWordLists {
    private var lists: [UnsafeMutableBufferPointer<UInt32>] = []
    private var base: AdoptedWords?
    private var baseStarts: [Int] = []
    private var baseLengths: [UInt32] = []
    private var baseKept = 0

    /// No lists yet.
    init() {}

    /// No lists yet; `words` holds lists to be registered with `adopt`.
    init(adopting words: AdoptedWords) { base = words }

    /// No lists yet; a copy of `words` holds lists to be registered with `adopt`.
    init(adopting words: [UInt32]) {
        let adopted = AdoptedWords(count: words.count)
        if !words.isEmpty {
            words.withUnsafeBufferPointer { adopted.buffer.baseAddress!.initialize(from: $0.baseAddress!, count: $0.count) }
        }
        base = adopted
    }

    /// Frees every list not dropped; the lists are empty afterwards. Called once by the owner.
    mutating func deallocate() {
        for list in lists where list.baseAddress != nil { list.deallocate() }
        lists = []
        baseStarts = []
        baseLengths = []
        baseKept = 0
        base = nil
    }

    /// Lists, one per registered pair.
    var count: Int { lists.count }

    /// Makes room for `pairs` lists in all without growing the tables.
    mutating func reserve(pairs: Int) {
        lists.reserveCapacity(pairs)
        baseStarts.reserveCapacity(pairs)
        baseLengths.reserveCapacity(pairs)
    }

    /// Registers the next pair's list (id `count`) as `words[start ..< start + length]` of
    /// the adopted array, which no other list holds.
    mutating func adopt(start: Int, length: Int) {
        precondition(start >= 0 && length >= 0 && start + length <= (base?.buffer.count ?? 0) && length <= Int(UInt32.max),
                     "list \(start), \(length) outside the adopted words")
        lists.append(Self.empty)
        baseStarts.append(start)
        baseLengths.append(UInt32(length))
        if length > 0 { baseKept += 1 }
    }

    /// A list with no memory (dropped, or of no words).
    private static var empty: UnsafeMutableBufferPointer<UInt32> { UnsafeMutableBufferPointer(start: nil, count: 0) }

    /// Registers the next pair's list (id `count`): a copy of `words`.
    /// - Complexity: O(words).
    mutating func append(_ words: UnsafeBufferPointer<UInt32>) {
        // Never asked for 0 elements (see `MergeScratch.State.finish`).
        var list = Self.empty
        if !words.isEmpty {
            list = .allocate(capacity: words.count)
            list.baseAddress!.initialize(from: words.baseAddress!, count: words.count)
        }
        lists.append(list)
        baseStarts.append(0)
        baseLengths.append(0)
    }

    /// Registers the next pair's list (id `count`) as `length` words, to be written in full
    /// with `write(_:to:at:)` before it is read; returns the pair's id.
    /// - Complexity: O(1) plus the allocation.
    mutating func reserve(_ length: Int) -> Int {
        lists.append(length == 0 ? Self.empty : .allocate(capacity: length))
        baseStarts.append(0)
        baseLengths.append(0)
        return lists.count - 1
    }

    /// Writes `words` into the (reserved) list of `pair` from position `offset` on.
    mutating func write(_ words: UnsafeBufferPointer<UInt32>, to pair: Int, at offset: Int) {
        let list = lists[pair]
        precondition(offset >= 0 && offset + words.count <= list.count, "write past the list of pair \(pair)")
        guard !words.isEmpty else { return }
        (list.baseAddress! + offset).initialize(from: words.baseAddress!, count: words.count)
    }

    /// Calls `body` with the list of `pair` (empty once dropped).
    func withWords<Result>(of pair: Int, _ body: (UnsafeBufferPointer<UInt32>) throws -> Result) rethrows -> Result {
        try body(view(pair))
    }

    /// The list of `pair` (empty once dropped), as a view that stays valid, and unchanged,
    /// until the pair's list is dropped or the lists are deallocated, whatever else changes
    /// meanwhile: the merge loop's workers read it while its shard's owner registers pairs.
    func view(_ pair: Int) -> UnsafeBufferPointer<UInt32> {
        let length = Int(baseLengths[pair])
        if length > 0, let base { return UnsafeBufferPointer(rebasing: base.buffer[baseStarts[pair] ..< baseStarts[pair] + length]) }
        return UnsafeBufferPointer(lists[pair])
    }

    /// The number of words listed for `pair`.
    func length(of pair: Int) -> Int {
        baseLengths[pair] > 0 ? Int(baseLengths[pair]) : lists[pair].count
    }

    /// Forgets the list of `pair`; it is empty from now on.
    mutating func drop(_ pair: Int) {
        let length = Int(baseLengths[pair])
        guard length > 0 else {
            let list = lists[pair]
            if list.baseAddress != nil {
                list.deallocate()
                lists[pair] = Self.empty
            }
            return
        }
        baseLengths[pair] = 0
        baseKept -= 1
        if baseKept == 0 {
            base = nil
            return
        }
        // Never read again: its whole pages can go (they would read as zeros). No other list
        // overlaps it, so no other sharer reads them either.
        if let base {
            LargeAllocation.releasePages(
                UnsafeMutableRawPointer(base.buffer.baseAddress! + baseStarts[pair]), bytes: 4 * length)
        }
    }
}

/// The initial pair count's word lists, back to back in one allocation that every pair
/// shard's `PairWordLists` adopts its lists from; freed when the last of them lets go.
///
/// `@unchecked Sendable`: its elements are written once, before any shard adopts them; after
/// that the shards only read their own disjoint lists and release their pages.
final class AdoptedWords: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<UInt32>

    /// `count` uninitialized words, to be written before they are adopted.
    init(count: Int) { buffer = .allocate(capacity: count) }

    deinit { buffer.deallocate() }
}
