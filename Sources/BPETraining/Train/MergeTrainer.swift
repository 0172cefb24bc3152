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
/// chosen; it is never registered, and changes to its count are simply not recorded. Nor is
/// a new pair below the tracking bound (`PairTracking`): it is only noted in its shard, and
/// recounted should the best registered pair ever fall below the bound.
///
/// Live pairs are kept in shards (`PairShard`), one per requested thread up to 16 (a worker
/// owns one or, with fewer cores, several), each with its own pair map,
/// counts, word lists and heap, so that what a merge changes is added up by all workers at
/// once. Heap invariant, per shard: every live pair has exactly one entry, whose stored count
/// is at least its true count, or waits below the shard's floor with the deferred pairs
/// (`DeferredPairs`); between merges the top entry's count is its true count and at least
/// the floor; so the best of the shards' tops is the best live pair (SPEC §4's order is
/// total), whatever the number of shards.
struct MergeTrainer {
    let vocabulary: TokenVocabulary

    /// Every word as one record, back to back: count (low, high 32 bits), length, then its
    /// tokens. A word's id is the offset of its record, so reading a word touches one place.
    var words: [UInt32] = []
    private(set) var wordTotal = 0
    /// Where each word's record starts, in no particular order (records shrink in place as
    /// words merge, so they can no longer be walked by length): for a recount of the pairs
    /// not tracked (the merge loop's `recount`) and for `_checkInvariants`. 4 bytes a word.
    private(set) var recordStarts: [UInt32] = []

    /// Live pairs, in one shard per worker (`PairShard`), by a hash of the pair.
    let shards: [PairShardBox]
    var merges: [Merge] = []

    static let headerSize = 3
    /// Shards made when more threads are asked for than there are cores (see `init`).
    static let maximumSpareShards = 16
    /// How many listed words ahead the merge loop prefetches.
    static let prefetchDistance = 8

    /// Pairs counted fewer times are never merged (SPEC §4, `--min-frequency`).
    let threshold: Int64
    /// Pairs whose merged token would be longer are never merged (`--max-token-length`).
    let maxTokenLength: Int
    /// The smallest range of a merge's list that a worker takes (`learn`: each takes a share
    /// of what is left, down to this): a list of no more than one block is one worker's, a
    /// longer one is shared. The initial pair count is parallel from 64 blocks' worth of
    /// record words on.
    let blockWords: Int
    /// A block is a few microseconds of rewriting, so a turn at the shared counter costs
    /// little beside it, and each worker that rewrites part of a merge makes the shards
    /// combine its new pairs with the others'.
    static let defaultBlockWords = 64
    /// Which new pairs are tracked (`PairTracking`).
    var pairTracking: PairTracking
    /// New pairs created below this count are not tracked (never below `threshold`).
    var trackFrom: Int64
    /// Invariant: every live pair counted at least this many times is tracked. It is the
    /// largest `trackFrom` since the start or the last recount (which sets both).
    var untrackedBelow: Int64
    /// The count of each merge learned by this trainer, in order (not a base's merges).
    var mergeCounts: [Int64] = []
    /// How many times untracked pairs were recounted (the merge loop's `recount`).
    var recounts = 0
    /// One per worker thread: where rewrites record their count changes.
    let scratches: [MergeScratch]
    /// The threads that run the merge loop together (`learn`), at most one per core.
    let workers: MergeWorkers

    /// Where a trainer's words come from.
    enum WordSource {
        /// A table of counts: the split phase's, or count files merged.
        case table(WordCountTable)
        /// One count file's records, read in place (never with a base to extend).
        case countFile(CountFileWords)
    }

    /// Copies every word of two or more bytes with a positive count; shorter words hold no pair.
    /// - Complexity: O(total bytes of the distinct words).
    init(
        wordCounts: WordCountTable, minFrequency: Int, maxTokenLength: Int?,
        tieBreak: TieBreak = .greatestBytes, base: BaseVocabulary? = nil, threads: Int = 1,
        blockWords: Int = defaultBlockWords, pairTracking: PairTracking = .standard
    ) {
        self.init(
            words: .table(wordCounts), minFrequency: minFrequency, maxTokenLength: maxTokenLength,
            tieBreak: tieBreak, base: base, threads: threads, blockWords: blockWords, pairTracking: pairTracking)
    }

    /// Copies every word of `words` of two or more bytes with a positive count (see the other
    /// `init`).
    init(
        words source: WordSource, minFrequency: Int, maxTokenLength: Int?,
        tieBreak: TieBreak = .greatestBytes, base: BaseVocabulary? = nil, threads: Int = 1,
        blockWords: Int = defaultBlockWords, pairTracking: PairTracking = .standard
    ) {
        vocabulary = TokenVocabulary(tieBreak: tieBreak)
        if let base {
            // The base's tokens and merges come first; each word starts as the base encodes it.
            for token in base.tokens.dropFirst(256) { _ = vocabulary.append(token) }
            merges = base.merges
        }
        threshold = Int64(max(1, minFrequency))
        self.pairTracking = pairTracking
        trackFrom = threshold
        untrackedBelow = threshold
        self.maxTokenLength = maxTokenLength ?? Int.max
        self.blockWords = max(1, blockWords)
        workers = MergeWorkers(threads: max(1, threads))
        scratches = (0..<workers.count).map { _ in MergeScratch() }
        let vocabulary = self.vocabulary
        // One shard per requested thread, even where there are fewer cores: a worker then
        // owns several (and the tests cover more shards than threads on any machine). But no
        // more than 16, or one per worker where there are more: each shard's map starts at
        // 2 MiB, so `--threads 4096` took 8 GiB for nothing.
        shards = (0..<min(max(1, threads), max(workers.count, Self.maximumSpareShards)))
            .map { _ in PairShardBox(PairShard(vocabulary: vocabulary)) }
        switch source {
        case .table(let wordCounts):
            if let base {
                copyWords(wordCounts, encodedBy: base)
            } else {
                // One part per worker at most: each part has a row of 65,536 places in the
                // copy (`--threads 4096` asked for 2 GiB of them).
                let parts = min(threads, workers.count)
                copyWords(WordTableParts(wordCounts, parts: parts > 1 && wordCounts.slotCapacity >= 1 << 16 ? parts : 1))
            }
        case .countFile(let file):
            precondition(base == nil, "a vocabulary is extended from a word table (its words are encoded serially)")
            copyWords(file)
        }
        // Word ids are record offsets held in UInt32: 16 GiB of records at most.
        precondition(words.count < Int(UInt32.max), "too many distinct words for 32-bit word ids")
    }

    /// Writes every word of two or more bytes with a positive count as a record, grouped by
    /// the word's first two bytes (one of 65,536 buckets, ascending) and within a bucket in
    /// the source's order, its parts in turn. The merge loop then finds the words that share a
    /// pair near each other far more often than in a table's hash order: words that start
    /// with the same bytes share their first pairs, and a merge's list walks them in order
    /// (mixed-1g's merge loop: 11% less time at one thread, 7% at two, than in slot order;
    /// ordering each bucket by the following bytes too gained nothing more: `BENCHMARKS.md`).
    ///
    /// The parts are copied in parallel: a first pass sizes each part's records per bucket, a
    /// second writes them at their offsets, so the order is the same for any number of parts.
    /// - Complexity: O(slots or records + total bytes of the words) / parts + O(65,536 · parts).
    private mutating func copyWords(_ source: some WordPartitions) {
        let parts = source.partCount
        let bucketCount = 1 << 16
        func inParallel(_ body: @Sendable (Int) -> Void) {
            if parts == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: body) }
        }
        // Row `part` of `places`: that part's bytes in each bucket (pass 1), then where its
        // next record in each bucket goes (pass 2). Each part writes its own row only.
        let placeTable = UnsafeMutableBufferPointer<Int>.allocate(capacity: parts * bucketCount)
        defer { placeTable.deallocate() }
        placeTable.initialize(repeating: 0)
        nonisolated(unsafe) let places = placeTable.baseAddress!
        let results = (0..<parts).map { _ in CopiedPart() }
        inParallel { part in
            let row = places + part * bucketCount
            var words = 0
            source.forEach(inPart: part) { word, count in
                if count > 0 && word.count >= 2 {
                    row[Self.bucket(of: word)] += Self.headerSize + word.count
                    words += 1
                }
            }
            results[part].words = words
        }
        // Bucket by bucket, each part's records in part order.
        var capacity = 0
        for bucket in 0..<bucketCount {
            for part in 0..<parts {
                let size = places[part * bucketCount + bucket]
                places[part * bucketCount + bucket] = capacity
                capacity += size
            }
        }
        guard capacity > 0 else { return }  // no word holds a pair
        // Each part's record starts go to its own range of `recordStarts`, in part order.
        var offsets = [0]
        for part in results { offsets.append(offsets.last! + part.words) }
        let startOffsets = offsets
        wordTotal = offsets.last!
        var allStarts = [UInt32](repeating: 0, count: wordTotal)
        allStarts.withUnsafeMutableBufferPointer { startsBuffer in
        nonisolated(unsafe) let starts = startsBuffer.baseAddress!
        words = [UInt32](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            // The merge loop reads records at random: huge pages spare it most TLB misses.
            LargeAllocation.adviseHugePages(UnsafeMutableRawPointer(buffer.baseAddress!), bytes: capacity * 4)
            nonisolated(unsafe) let records = buffer.baseAddress!
            inParallel { part in
                let row = places + part * bucketCount
                var start = startOffsets[part]
                source.forEach(inPart: part) { word, count in
                    guard count > 0, word.count >= 2 else { return }
                    let bucket = Self.bucket(of: word)
                    let cursor = row[bucket]
                    starts[start] = UInt32(truncatingIfNeeded: cursor)
                    start += 1
                    Self.writeHeader(records + cursor, count: count, length: word.count)
                    let target = records + cursor + Self.headerSize
                    for offset in 0..<word.count { target[offset] = UInt32(word[offset]) }
                    row[bucket] = cursor + Self.headerSize + word.count
                }
            }
            initialized = capacity
        }
        }
        recordStarts = allStarts
    }

    /// The bucket of a word of two or more bytes in `copyWords`: its first two bytes.
    @inline(__always)
    private static func bucket(of word: UnsafeBufferPointer<UInt8>) -> Int { Int(word[0]) << 8 | Int(word[1]) }

    /// One part's share of `copyWords`: its number of records. `@unchecked Sendable`: each
    /// part's worker alone writes it, and the results are read after all of them finish.
    private final class CopiedPart: @unchecked Sendable {
        var words = 0
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
        var starts: [UInt32] = []
        words = [UInt32](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            var cursor = 0
            wordCounts.forEach { word, count in
                guard count > 0, word.count >= 2 else { return }
                let tokens = base.encode(word)
                if tokens.count < 2 { return }  // one base token: no pair left
                starts.append(UInt32(truncatingIfNeeded: cursor))
                Self.writeHeader(buffer.baseAddress! + cursor, count: count, length: tokens.count)
                for (offset, token) in tokens.enumerated() { buffer[cursor + Self.headerSize + offset] = token }
                cursor += Self.headerSize + tokens.count
                total += 1
            }
            initialized = cursor
        }
        wordTotal = total
        recordStarts = starts
    }

    @inline(__always)
    static func key(_ left: UInt32, _ right: UInt32) -> UInt64 { UInt64(left) << 32 | UInt64(right) }

    /// Which shard holds the pair `key`.
    @inline(__always)
    func shard(of key: UInt64) -> Int { PairShards.shard(of: key, among: shards.count) }

    /// Counts every pair of every word once (one contiguous run of words per worker, when
    /// there are enough words), then each shard registers its live ones and fills its heap
    /// (all shards at once).
    /// - Complexity: O(total tokens / workers) + O(distinct pairs).
    mutating func countInitialPairs() {
        let runs = words.count >= blockWords * 64 ? scratches.count : 1
        // Without a base vocabulary every token is still a byte: pairs index a dense table.
        let counted = vocabulary.count == 256 ? countBytePairsInRuns(runs) : countPairsInRuns(runs)
        // The counted lists stay where they are (those of pairs never live are never read).
        let shards = self.shards
        nonisolated(unsafe) let vocabulary = self.vocabulary
        let threshold = self.threshold
        let maxTokenLength = self.maxTokenLength
        workers.run(shares: shards.count) { index in
            let box = shards[index]
            box.shard.words = PairWordLists(adopting: counted.words)
            for pair in counted.pairs
            where PairShards.shard(of: Self.key(pair.left, pair.right), among: shards.count) == index
                && Self.isLive(pair.left, pair.right, count: pair.count, threshold: threshold,
                               maxTokenLength: maxTokenLength, vocabulary: vocabulary) {
                box.shard.register(pair.left, pair.right, count: pair.count)
                box.shard.words.adopt(start: pair.wordsStart, length: pair.wordCount)
            }
            // Every pair starts deferred: the heap fills from the top count down.
            box.shard.settleTop(threshold: threshold)
            box.publish()
        }
    }

    /// Whether a pair with this count may ever be merged.
    @inline(__always)
    static func isLive(
        _ left: UInt32, _ right: UInt32, count: Int64, threshold: Int64, maxTokenLength: Int,
        vocabulary: TokenVocabulary
    ) -> Bool {
        // Without a length limit the tokens' lengths are not read (a cache miss each).
        count >= threshold
            && (maxTokenLength == Int.max || vocabulary.length(left) + vocabulary.length(right) <= maxTokenLength)
    }

    /// Pairs registered in all shards (tracked, or once tracked).
    var registeredPairs: Int { shards.reduce(0) { $0 + $1.shard.counts.count } }

    /// The vocabulary learned so far.
    func result(specialTokens: [String]) -> TrainedVocabulary {
        TrainedVocabulary(tokens: vocabulary.allTokens(), merges: merges, specialTokens: specialTokens)
    }
}
