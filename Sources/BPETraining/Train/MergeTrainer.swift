@_spi(Plumbing) import BPECore
import CPrefetch
import Dispatch

/// Learns merges from word counts with incremental pair counts and a priority heap.
/// A struct, so the hot loops' accesses are checked for exclusivity at compile time, not at run time.
///
/// Words are token-id arrays stored back to back as records. The trainer tracks only *live*
/// pairs, those that may still be merged: for each, its count and the words it was created
/// in. A merge rewrites only the words listed for its pair (`rewrite`), subtracts the weight
/// of the pairs that vanish around each occurrence and collects the pairs that appear with
/// the new token; it never recounts all pairs.
///
/// Why only live pairs: a pair's count only falls once the merge that created it is over (or
/// once the initial count is done), because a merge creates pairs only with its new token.
/// So a pair below `--min-frequency` then, or too long for `--max-token-length`, can never be
/// chosen; it is never registered, and changes to its count are simply not recorded.
///
/// Heap invariant: every live pair has exactly one entry, whose stored count is at least its
/// true count; when the top entry's stored count equals its true count it is the true
/// maximum, otherwise it is pushed back with its true count.
struct MergeTrainer {
    let vocabulary: TokenVocabulary

    /// Every word as one record, back to back: count (low, high 32 bits), length, then its
    /// tokens. A word's id is the offset of its record, so reading a word touches one place.
    var words: [UInt32] = []
    private(set) var wordTotal = 0
    #if DEBUG
    /// Where each word's record starts (records shrink in place as words merge, so they can
    /// no longer be walked by length): for `_checkInvariants`, in debug builds only.
    var recordStarts: [UInt32] = []
    #endif

    // Live pairs, by dense id.
    var pairIDs = PairMap()
    var pairCount: [Int64] = []
    /// The words a pair was created in, ascending; may list words that no longer hold it.
    var pairWords = PairWordLists()

    var heap: PairHeap
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
    /// Handing a merge to the helpers costs about a microsecond (`MergeWorkers`); below a
    /// few hundred words sharing neither helps nor hurts measurably (mixed-100m, mixed-1g).
    static let defaultParallelMinimumWords = 256
    /// One per worker (at least one): where rewrites record their count changes.
    let scratches: [MergeScratch]
    /// The threads that share a merge's rewrite.
    let workers: MergeWorkers
    /// Where each pair (x, new) and (new, x) is in a merge's combined new pairs, by x; -1
    /// outside `registerCombinedNewPairs`.
    var combinedEnding: [Int32] = []
    var combinedStarting: [Int32] = []

    /// Copies every word of two or more bytes with a positive count; shorter words hold no pair.
    /// - Complexity: O(total bytes of the distinct words).
    init(
        wordCounts: WordCountTable, minFrequency: Int, maxTokenLength: Int?,
        tieBreak: TieBreak = .greatestBytes, base: BaseVocabulary? = nil, threads: Int = 1,
        parallelMinimumWords: Int = defaultParallelMinimumWords
    ) {
        vocabulary = TokenVocabulary(tieBreak: tieBreak)
        heap = PairHeap(vocabulary: vocabulary)
        if let base {
            // The base's tokens and merges come first; each word starts as the base encodes it.
            for token in base.tokens.dropFirst(256) { _ = vocabulary.append(token) }
            merges = base.merges
        }
        threshold = Int64(max(1, minFrequency))
        self.maxTokenLength = maxTokenLength ?? Int.max
        self.parallelMinimumWords = max(1, parallelMinimumWords)
        scratches = (0..<max(1, threads)).map { _ in MergeScratch() }
        workers = MergeWorkers(threads: scratches.count)
        if let base {
            copyWords(wordCounts, encodedBy: base)
        } else {
            copyWords(wordCounts, parts: threads > 1 && wordCounts.slotCapacity >= 1 << 16 ? threads : 1)
        }
        // Word ids are record offsets held in UInt32: 16 GiB of records at most.
        precondition(words.count < Int(UInt32.max), "too many distinct words for 32-bit word ids")
    }

    /// Writes every word of two or more bytes with a positive count as a record, the table's
    /// slots cut into `parts` ranges copied in parallel: a first pass sizes each range's
    /// records, a second writes them at their offsets, so the records come out in slot order
    /// for any number of parts.
    /// - Complexity: O(slots + total bytes of the words) / parts.
    private mutating func copyWords(_ wordCounts: WordCountTable, parts: Int) {
        wordCounts.flush()
        let slots = wordCounts.slotCapacity
        let ranges = (0..<parts).map { part in (slots * part / parts)..<(slots * (part + 1) / parts) }
        func inParallel(_ body: @Sendable (Int) -> Void) {
            if parts == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: body) }
        }
        final class Part: @unchecked Sendable {
            var size = 0
            var words = 0
            var starts: [UInt32] = []
        }
        let results = (0..<parts).map { _ in Part() }
        inParallel { part in
            var size = 0
            var words = 0
            wordCounts.forEach(inSlots: ranges[part]) { word, count in
                if count > 0 && word.count >= 2 {
                    size += Self.headerSize + word.count
                    words += 1
                }
            }
            results[part].size = size
            results[part].words = words
        }
        let capacity = results.reduce(0) { $0 + $1.size }
        guard capacity > 0 else { return }  // no word holds a pair
        words = [UInt32](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            // The merge loop reads records at random: huge pages spare it most TLB misses.
            LargeAllocation.adviseHugePages(UnsafeMutableRawPointer(buffer.baseAddress!), bytes: capacity * 4)
            nonisolated(unsafe) let records = buffer.baseAddress!
            inParallel { part in
                // This part's records start where the earlier parts' end.
                var cursor = results[..<part].reduce(0) { $0 + $1.size }
                var starts: [UInt32] = []
                wordCounts.forEach(inSlots: ranges[part]) { word, count in
                    guard count > 0, word.count >= 2 else { return }
                    #if DEBUG
                    starts.append(UInt32(truncatingIfNeeded: cursor))
                    #endif
                    Self.writeHeader(records + cursor, count: count, length: word.count)
                    let target = records + cursor + Self.headerSize
                    for offset in 0..<word.count { target[offset] = UInt32(word[offset]) }
                    cursor += Self.headerSize + word.count
                }
                results[part].starts = starts
            }
            initialized = capacity
        }
        wordTotal = results.reduce(0) { $0 + $1.words }
        #if DEBUG
        recordStarts = results.flatMap(\.starts)
        #endif
    }

    /// Writes a record's header at `record`: the word's count (low, then high 32 bits) and
    /// its length in tokens; the tokens follow.
    @inline(__always)
    private static func writeHeader(_ record: UnsafeMutablePointer<UInt32>, count: Int64, length: Int) {
        record[0] = UInt32(truncatingIfNeeded: count)
        record[1] = UInt32(truncatingIfNeeded: count >> 32)
        record[2] = UInt32(length)
    }

    /// `copyWords` for a vocabulary being extended: each word as the base encodes it, serially
    /// (a record's size is known only once the word is encoded); words the base encodes as
    /// one token hold no pair and are left out.
    /// - Complexity: O(total bytes of the words · the base's encoding cost per byte).
    private mutating func copyWords(_ wordCounts: WordCountTable, encodedBy base: BaseVocabulary) {
        // An upper bound: the base encodes a word in at most one token per byte.
        var capacity = 0
        wordCounts.forEach { word, count in
            if count > 0 && word.count >= 2 { capacity += Self.headerSize + word.count }
        }
        var total = 0
        #if DEBUG
        var starts: [UInt32] = []
        #endif
        words = [UInt32](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            var cursor = 0
            wordCounts.forEach { word, count in
                guard count > 0, word.count >= 2 else { return }
                let tokens = base.encode(word)
                if tokens.count < 2 { return }  // one base token: no pair left
                #if DEBUG
                starts.append(UInt32(truncatingIfNeeded: cursor))
                #endif
                Self.writeHeader(buffer.baseAddress! + cursor, count: count, length: tokens.count)
                for (offset, token) in tokens.enumerated() { buffer[cursor + Self.headerSize + offset] = token }
                cursor += Self.headerSize + tokens.count
                total += 1
            }
            initialized = cursor
        }
        wordTotal = total
        #if DEBUG
        recordStarts = starts
        #endif
    }

    @inline(__always)
    static func key(_ left: UInt32, _ right: UInt32) -> UInt64 { UInt64(left) << 32 | UInt64(right) }

    /// Whether a pair with this count may ever be merged.
    @inline(__always)
    func isLive(_ left: UInt32, _ right: UInt32, count: Int64) -> Bool {
        count >= threshold && vocabulary.length(left) + vocabulary.length(right) <= maxTokenLength
    }

    /// Gives a live pair an id and its count, and returns its heap entry; the caller then
    /// gives it its word list (`pairWords.append` or `.reserve`).
    mutating func register(_ left: UInt32, _ right: UInt32, count: Int64) -> PairEntry {
        let id = Int32(pairCount.count)
        _ = pairIDs.id(for: Self.key(left, right)) { id }
        pairCount.append(count)
        return PairEntry(count: count, left: left, right: right)
    }

    /// Counts every pair of every word once (one contiguous run of words per worker, when
    /// there are enough words), registers the live ones and fills the heap.
    /// - Complexity: O(total tokens / workers) + O(distinct pairs).
    mutating func countInitialPairs() {
        let runs = words.count >= parallelMinimumWords * 64 ? scratches.count : 1
        // Without a base vocabulary every token is still a byte: pairs index a dense table.
        let counted = vocabulary.count == 256 ? countBytePairsInRuns(runs) : countPairsInRuns(runs)
        // The counted lists stay where they are (those of pairs never live are never read).
        pairWords = PairWordLists(adopting: counted.words)
        var entries: [PairEntry] = []
        for pair in counted.pairs where isLive(pair.left, pair.right, count: pair.count) {
            entries.append(register(pair.left, pair.right, count: pair.count))
            pairWords.adopt(start: pair.wordsStart, length: pair.wordCount)
        }
        heap = PairHeap(entries, vocabulary: vocabulary)
    }

    /// Learns up to `mergeCount` merges (SPEC §4). `progress` is called with the number of
    /// merges done, every few hundred merges.
    /// - Complexity: per merge, O(log heap) per entry popped plus the length of the words
    ///   that held the pair.
    mutating func learn(mergeCount: Int, progress: ((Int) -> Void)? = nil) {
        // Capped: a huge requested size must not reserve memory for merges that cannot happen.
        merges.reserveCapacity(min(mergeCount, max(1024, heap.count)))
        while merges.count < mergeCount, var top = heap.popMax() {
            let id = Int(pairIDs.liveID(for: Self.key(top.left, top.right)))
            let current = pairCount[id]
            if current != top.count {
                if current >= threshold {
                    top.count = current
                    heap.insert(top)
                } else {
                    pairWords.drop(id)  // it can never be chosen now
                }
                continue
            }
            if current < threshold { break }
            let merged = vocabulary.concatenation(top.left, top.right)
            // A pair that would rebuild an existing token is never chosen; it never will be.
            if vocabulary.contains(merged) {
                pairWords.drop(id)
                continue
            }
            let newToken = vocabulary.append(merged)
            merges.append(Merge(top.left, top.right))
            // One share per `parallelMinimumWords` words at most: a small merge wakes few helpers.
            let workers = min(scratches.count, max(1, pairWords.length(of: id) / parallelMinimumWords))
            applyMerge(left: top.left, right: top.right, pair: id, into: newToken, workers: workers)
            if let progress, merges.count % 256 == 0 { progress(merges.count) }
        }
        progress?(merges.count)
    }

    /// The vocabulary learned so far.
    func result(specialTokens: [String]) -> TrainedVocabulary {
        TrainedVocabulary(tokens: vocabulary.allTokens(), merges: merges, specialTokens: specialTokens)
    }
}
