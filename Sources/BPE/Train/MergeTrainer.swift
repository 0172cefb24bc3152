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

    // Words: tokens[wordStart[w] ..< wordStart[w] + wordLength[w]], weighted by wordCount[w].
    var tokens: [UInt32] = []
    var wordStart: [Int] = []
    var wordLength: [Int32] = []
    var wordCount: [Int64] = []

    // Pairs, by dense id.
    var pairIDs: [UInt64: Int32] = [:]
    var pairLeft: [UInt32] = []
    var pairRight: [UInt32] = []
    var pairCount: [Int64] = []
    /// The words a pair was created in; may list words that no longer hold it.
    var pairWords: [[UInt32]] = []
    /// The last word appended to `pairWords[p]`, so no word is listed twice.
    var pairLastWord: [UInt32] = []

    var heap = Heap<PairEntry>()
    private(set) var merges: [Merge] = []

    /// Copies every word of two or more bytes with a positive count; shorter words hold no pair.
    /// - Complexity: O(total bytes of the distinct words).
    init(wordCounts: WordCountTable) {
        wordCounts.forEach { word, count in
            guard count > 0, word.count >= 2 else { return }
            wordStart.append(tokens.count)
            wordLength.append(Int32(word.count))
            wordCount.append(count)
            for byte in word { tokens.append(UInt32(byte)) }
        }
    }

    var wordTotal: Int { wordCount.count }

    @inline(__always)
    static func key(_ left: UInt32, _ right: UInt32) -> UInt64 { UInt64(left) << 32 | UInt64(right) }

    /// The id of pair (left, right), created with count 0 if new.
    @inline(__always)
    mutating func pairID(_ left: UInt32, _ right: UInt32) -> Int32 {
        let key = Self.key(left, right)
        if let id = pairIDs[key] { return id }
        let id = Int32(pairCount.count)
        pairIDs[key] = id
        pairLeft.append(left)
        pairRight.append(right)
        pairCount.append(0)
        pairWords.append([])
        pairLastWord.append(UInt32.max)
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
    /// - Complexity: O(total tokens) dictionary operations, then O(pairs) to heapify.
    mutating func countInitialPairs(maxTokenLength: Int?) {
        for w in 0..<wordCount.count {
            let start = wordStart[w]
            let count = wordCount[w]
            for i in start..<(start + Int(wordLength[w]) - 1) {
                addToPair(tokens[i], tokens[i + 1], count, listing: UInt32(w))
            }
        }
        heap = Heap(entries(forPairs: 0..<pairCount.count, maxTokenLength: maxTokenLength))
    }

    /// Heap entries for the pairs in `ids` with a positive count and a short enough result.
    func entries(forPairs ids: Range<Int>, maxTokenLength: Int?) -> [PairEntry] {
        var result: [PairEntry] = []
        result.reserveCapacity(ids.count)
        for id in ids where pairCount[id] > 0 {
            let left = pairLeft[id]
            let right = pairRight[id]
            if let limit = maxTokenLength, vocabulary.length(left) + vocabulary.length(right) > limit { continue }
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
    mutating func learn(
        mergeCount: Int, minFrequency: Int, maxTokenLength: Int?,
        progress: ((Int) -> Void)? = nil
    ) {
        let threshold = Int64(max(1, minFrequency))
        merges.reserveCapacity(mergeCount)
        while merges.count < mergeCount, var top = heap.popMax() {
            let id = Int(top.pair)
            let current = pairCount[id]
            if current != top.count {
                if current > 0 {
                    top.count = current
                    heap.insert(top)
                }
                continue
            }
            if current < threshold { break }
            let merged = vocabulary.concatenation(top.left, top.right)
            // A pair that would rebuild an existing token is never chosen; it never will be.
            if vocabulary.contains(merged) { continue }

            let newToken = vocabulary.append(merged)
            merges.append(Merge(Int(top.left), Int(top.right)))
            let firstNewPair = pairCount.count
            for word in pairWords[id] {
                applyMerge(left: top.left, right: top.right, into: newToken, word: Int(word))
            }
            pairWords[id] = []
            // Every pair created by this merge holds the new token, and only this merge creates such pairs.
            for entry in entries(forPairs: firstNewPair..<pairCount.count, maxTokenLength: maxTokenLength) {
                heap.insert(entry)
            }
            if let progress, merges.count % 256 == 0 { progress(merges.count) }
        }
        progress?(merges.count)
    }

    /// The vocabulary learned so far.
    func result(specialTokens: [String]) -> TrainedVocabulary {
        TrainedVocabulary(tokens: vocabulary.allTokens(), merges: merges, specialTokens: specialTokens)
    }
}
