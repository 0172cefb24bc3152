import CPrefetch
import HeapModule

/// Learns merges from word counts with incremental pair counts and a priority heap.
/// A struct, so the hot loops' accesses are checked for exclusivity at compile time, not at run time.
///
/// Words are arrays of token ids stored back to back in `tokens`. For every pair the trainer
/// keeps its count and the words it was seen in. A merge rewrites only the words listed for
/// its pair and adjusts the counts of the pairs around each occurrence (`applyMerge`); it
/// never recounts all pairs.
///
/// Heap invariant: every pair with a positive count that may be chosen has exactly one entry
/// whose stored count is at least its true count. Counts of existing pairs only fall (a
/// merge creates pairs only with its new token), so when the top entry's stored count equals
/// its true count it is the true maximum; otherwise it is pushed back with its true count.
struct MergeTrainer {
    let vocabulary = TokenVocabulary()

    /// Every word as one record, back to back: count (low, high 32 bits), length, then its
    /// tokens. A word's id is the offset of its record, so reading a word touches one place.
    var words: [UInt32] = []
    private(set) var wordTotal = 0

    // Pairs, by dense id.
    var pairIDs = PairMap()
    var pairLeft: [UInt32] = []
    var pairRight: [UInt32] = []
    var pairCount: [Int64] = []
    /// The words a pair was created in, ascending; may list words that no longer hold it.
    var pairWords: [[UInt32]] = []
    /// The last word appended to `pairWords[p]`, so no word is listed twice.
    var pairLastWord: [UInt32] = []

    // Per merge: ids of the pairs (x, new) and (new, x) by x, -1 when not seen yet.
    var pairEndingInNew: [Int32] = []
    var pairStartingWithNew: [Int32] = []
    var touchedEndingInNew: [UInt32] = []
    var touchedStartingWithNew: [UInt32] = []

    var heap = Heap<PairEntry>()
    private(set) var merges: [Merge] = []

    static let headerSize = 3
    /// How many listed words ahead the merge loop prefetches.
    static let prefetchDistance = 8

    /// Pairs counted fewer times are never merged (SPEC §4, `--min-frequency`).
    let threshold: Int64
    /// Pairs whose merged token would be longer are never merged (`--max-token-length`).
    let maxTokenLength: Int
    /// A merge listing at least this many words is applied by all workers together.
    let parallelMinimumWords: Int
    /// One per worker when merges may run in parallel; empty otherwise.
    let scratches: [MergeScratch]

    /// Copies every word of two or more bytes with a positive count; shorter words hold no pair.
    /// - Complexity: O(total bytes of the distinct words).
    init(
        wordCounts: WordCountTable, minFrequency: Int, maxTokenLength: Int?,
        threads: Int = 1, parallelMinimumWords: Int = 4096
    ) {
        threshold = Int64(max(1, minFrequency))
        self.maxTokenLength = maxTokenLength ?? Int.max
        self.parallelMinimumWords = max(1, parallelMinimumWords)
        scratches = threads > 1 ? (0..<threads).map { _ in MergeScratch() } : []
        wordCounts.forEach { word, count in
            guard count > 0, word.count >= 2 else { return }
            words.append(UInt32(truncatingIfNeeded: count))
            words.append(UInt32(truncatingIfNeeded: count >> 32))
            words.append(UInt32(word.count))
            for byte in word { words.append(UInt32(byte)) }
            wordTotal += 1
        }
        // Word ids are record offsets held in UInt32: 16 GiB of records at most.
        precondition(words.count < Int(UInt32.max), "too many distinct words for 32-bit word ids")
    }

    @inline(__always)
    func weight(ofWordAt record: Int) -> Int64 {
        Int64(words[record]) | Int64(words[record + 1]) << 32
    }

    @inline(__always)
    static func key(_ left: UInt32, _ right: UInt32) -> UInt64 { UInt64(left) << 32 | UInt64(right) }

    /// The id of pair (left, right), created with count 0 if new.
    @inline(__always)
    mutating func pairID(_ left: UInt32, _ right: UInt32) -> Int32 {
        let next = Int32(pairCount.count)
        let id = pairIDs.id(for: Self.key(left, right)) { next }
        if id == next {
            pairLeft.append(left)
            pairRight.append(right)
            pairCount.append(0)
            pairWords.append([])
            pairLastWord.append(UInt32.max)
        }
        return id
    }

    /// Adds `delta` to a pair's count and, when asked, lists `word` among its words.
    @inline(__always)
    mutating func addToPair(_ left: UInt32, _ right: UInt32, _ delta: Int64, listing word: UInt32? = nil) {
        let id = Int(pairID(left, right))
        pairCount[id] += delta
        if let word, pairLastWord[id] != word {
            pairLastWord[id] = word
            pairWords[id].append(word)
        }
    }

    /// Counts every adjacent pair of every word once and fills the heap.
    /// - Complexity: O(total tokens) map operations, then O(pairs) to heapify.
    mutating func countInitialPairs() {
        if scratches.count > 1 && words.count >= parallelMinimumWords * 64 {
            countInitialPairsInParallel(workers: scratches.count)
            heap = Heap(candidates(among: 0..<pairCount.count))
            return
        }
        var record = 0
        while record < words.count {
            let count = weight(ofWordAt: record)
            let length = Int(words[record + 2])
            let first = record + Self.headerSize
            for i in first..<(first + length - 1) {
                addToPair(words[i], words[i + 1], count, listing: UInt32(record))
            }
            record = first + length
        }
        heap = Heap(candidates(among: 0..<pairCount.count))
    }

    /// Heap entries for the pairs in `ids` that may still be merged; the word lists of the
    /// others are freed. A pair's count only falls once the merge that created it is over
    /// (or once the initial count is done), so a pair below `threshold` or too long now can
    /// never be chosen: nothing needs to know where it occurs.
    mutating func candidates(among ids: Range<Int>) -> [PairEntry] {
        var result: [PairEntry] = []
        for id in ids {
            let left = pairLeft[id]
            let right = pairRight[id]
            guard pairCount[id] >= threshold,
                  vocabulary.length(left) + vocabulary.length(right) <= maxTokenLength
            else {
                pairWords[id] = []
                continue
            }
            result.append(PairEntry(
                count: pairCount[id], pair: Int32(id), left: left, right: right,
                leftBytes: vocabulary.bytes(left), rightBytes: vocabulary.bytes(right)))
        }
        return result
    }

    /// Learns up to `mergeCount` merges (SPEC §4). `progress` is called with the number of
    /// merges done, every few hundred merges.
    /// - Complexity: per merge, O(log heap) per entry popped plus the length of the words
    ///   that held the pair.
    mutating func learn(mergeCount: Int, progress: ((Int) -> Void)? = nil) {
        merges.reserveCapacity(mergeCount)
        while merges.count < mergeCount, var top = heap.popMax() {
            let id = Int(top.pair)
            let current = pairCount[id]
            if current != top.count {
                if current >= threshold {
                    top.count = current
                    heap.insert(top)
                } else {
                    pairWords[id] = []  // it can never be chosen now
                }
                continue
            }
            if current < threshold { break }
            let merged = vocabulary.concatenation(top.left, top.right)
            // A pair that would rebuild an existing token is never chosen; it never will be.
            if vocabulary.contains(merged) {
                pairWords[id] = []
                continue
            }

            let newToken = vocabulary.append(merged)
            while pairEndingInNew.count < vocabulary.count {
                pairEndingInNew.append(-1)
                pairStartingWithNew.append(-1)
            }
            merges.append(Merge(Int(top.left), Int(top.right)))
            let firstNewPair = pairCount.count
            let listed = pairWords[id]
            pairWords[id] = []
            if !scratches.isEmpty && listed.count >= parallelMinimumWords {
                applyMergeInParallel(
                    left: top.left, right: top.right, pair: id, into: newToken, listed: listed, scratches: scratches)
            } else {
                applyMergeSerially(left: top.left, right: top.right, pair: id, into: newToken, listed: listed)
            }
            // Every pair created by this merge holds the new token, and only this merge creates such pairs.
            for entry in candidates(among: firstNewPair..<pairCount.count) {
                heap.insert(entry)
            }
            if let progress, merges.count % 256 == 0 { progress(merges.count) }
        }
        progress?(merges.count)
    }

    /// `applyMerge` on each listed word in order, prefetching a few words ahead: the loop
    /// waits on memory, not arithmetic.
    mutating func applyMergeSerially(left: UInt32, right: UInt32, pair: Int, into newToken: UInt32, listed: [UInt32]) {
        words.withUnsafeBufferPointer { records in
            for ahead in listed.prefix(Self.prefetchDistance) { bpe_prefetch(records.baseAddress! + Int(ahead)) }
        }
        for (index, word) in listed.enumerated() {
            if index + Self.prefetchDistance < listed.count {
                let ahead = Int(listed[index + Self.prefetchDistance])
                words.withUnsafeBufferPointer { bpe_prefetch($0.baseAddress! + ahead) }
            }
            applyMerge(left: left, right: right, pair: pair, into: newToken, word: Int(word))
        }
        resetNewPairCache()
    }

    /// The vocabulary learned so far.
    func result(specialTokens: [String]) -> TrainedVocabulary {
        TrainedVocabulary(tokens: vocabulary.allTokens(), merges: merges, specialTokens: specialTokens)
    }
}
