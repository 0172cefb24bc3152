import Dispatch

extension MergeTrainer {
    /// A pair and its initial count, with the words it occurs in (ascending, each once):
    /// `CountedPairs.words[wordsStart ..< wordsStart + wordCount]`.
    struct CountedPair {
        var left: UInt32
        var right: UInt32
        var count: Int64
        var wordsStart: Int
        var wordCount: Int
    }

    /// Every pair counted, and their word lists back to back.
    struct CountedPairs {
        var pairs: [CountedPair] = []
        var words = AdoptedWords(count: 0)
    }

    /// One run's pair counts, filled by one worker.
    final class RunPairs: @unchecked Sendable {
        var keys: [UInt64] = []
        var counts: [Int64] = []
        var words: [[UInt32]] = []
    }

    /// Every pair of every word, counted with the words split into `runs` contiguous runs
    /// (one per worker, in parallel when more than one); the runs' counts are added and
    /// their word lists joined in run order, exactly as one serial count would leave them.
    /// - Complexity: O(total tokens / runs) + O(distinct pairs per run).
    func countPairsInRuns(_ runs: Int) -> CountedPairs {
        let starts = runStarts(runs)
        let results = (0..<(starts.count - 1)).map { _ in RunPairs() }
        words.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let records = buffer.baseAddress!
            if results.count == 1 {
                Self.countPairs(records: records, from: starts[0], to: starts[1], into: results[0])
            } else {
                DispatchQueue.concurrentPerform(iterations: results.count) { run in
                    Self.countPairs(records: records, from: starts[run], to: starts[run + 1], into: results[run])
                }
            }
        }
        // Counts added and sizes summed per pair, in first-seen order; then each run's lists
        // copied, in run order, to its pair's range.
        var combined = CountedPairs()
        var index = PairMap()
        var combinedIndex: [[Int32]] = []
        for run in results {
            var indices: [Int32] = []
            indices.reserveCapacity(run.keys.count)
            for position in run.keys.indices {
                let key = run.keys[position]
                let next = Int32(combined.pairs.count)
                let slot = Int(index.id(for: key) { next })
                if slot == combined.pairs.count {
                    combined.pairs.append(CountedPair(
                        left: UInt32(truncatingIfNeeded: key >> 32), right: UInt32(truncatingIfNeeded: key),
                        count: run.counts[position], wordsStart: 0, wordCount: run.words[position].count))
                } else {
                    combined.pairs[slot].count += run.counts[position]
                    combined.pairs[slot].wordCount += run.words[position].count
                }
                indices.append(Int32(slot))
            }
            combinedIndex.append(indices)
        }
        var cursors: [Int] = []
        cursors.reserveCapacity(combined.pairs.count)
        var total = 0
        for position in combined.pairs.indices {
            combined.pairs[position].wordsStart = total
            cursors.append(total)
            total += combined.pairs[position].wordCount
        }
        combined.words = AdoptedWords(count: total)
        let flat = combined.words.buffer.baseAddress!
        for (run, indices) in zip(results, combinedIndex) {
            for (position, slot) in indices.enumerated() {
                run.words[position].withUnsafeBufferPointer { list in
                    if !list.isEmpty { (flat + cursors[Int(slot)]).initialize(from: list.baseAddress!, count: list.count) }
                    cursors[Int(slot)] += list.count
                }
            }
            run.words = []
        }
        return combined
    }

    /// Where each of (up to) `runs` contiguous runs of records of about equal size starts,
    /// then the end of the records.
    /// - Complexity: O(distinct words).
    private func runStarts(_ runs: Int) -> [Int] {
        var bounds = [0]
        let target = max(1, words.count / runs)
        var record = 0
        while record < words.count {
            if record >= target * bounds.count && bounds.count < runs { bounds.append(record) }
            record += Self.headerSize + Int(words[record + 2])
        }
        bounds.append(words.count)
        return bounds
    }

    /// The serial pair count of the words whose records lie in `start..<end`.
    private static func countPairs(
        records: UnsafePointer<UInt32>, from start: Int, to end: Int, into run: RunPairs
    ) {
        var map = PairMap()
        var keys: [UInt64] = []
        var counts: [Int64] = []
        var lists: [[UInt32]] = []
        // The last word listed for each pair, kept apart: reading `lists[index].last` would
        // retain and release the inner array for every token.
        var lastListed: [UInt32] = []
        var record = start
        while record < end {
            let weight = Int64(records[record]) | Int64(records[record + 1]) << 32
            let length = Int(records[record + 2])
            let first = record + headerSize
            for i in first..<(first + length - 1) {
                let key = MergeTrainer.key(records[i], records[i + 1])
                let next = Int32(keys.count)
                let index = Int(map.id(for: key) { next })
                if index == keys.count {
                    keys.append(key)
                    counts.append(0)
                    lists.append([])
                    lastListed.append(UInt32.max)
                }
                counts[index] += weight
                if lastListed[index] != UInt32(record) {
                    lastListed[index] = UInt32(record)
                    lists[index].append(UInt32(record))
                }
            }
            record = first + length
        }
        run.keys = keys
        run.counts = counts
        run.words = lists
    }
}

extension MergeTrainer {
    /// One run's byte-pair tables, indexed by `left << 8 | right`.
    final class BytePairRun: @unchecked Sendable {
        /// The pair's weight in the run, and how many of the run's words hold it.
        var weights = [Int64](repeating: 0, count: 1 << 16)
        var holders = [Int32](repeating: 0, count: 1 << 16)
        /// Where the run's next listed word for the pair goes in the flat list (pass 2).
        var cursors: [Int] = []
    }

    /// `countPairsInRuns` for records that hold bytes only (no base vocabulary), with the
    /// same result in pair-index order. A pair is indexed directly by `left << 8 | right`
    /// (no hashing), and each pair's words go into storage of their exact number: a first
    /// pass counts, a second lists the words into one flat array, each run into its own
    /// slice of each pair's range (so the lists stay ascending). The runs are counted in
    /// parallel in both passes.
    /// - Complexity: O(total tokens / runs) + O(65,536 · runs) + O(words listed).
    func countBytePairsInRuns(_ runs: Int) -> CountedPairs {
        let starts = runStarts(runs)
        let results = (0..<(starts.count - 1)).map { _ in BytePairRun() }
        func eachRun(_ body: @Sendable (UnsafePointer<UInt32>, Int, Int, BytePairRun) -> Void) {
            words.withUnsafeBufferPointer { buffer in
                nonisolated(unsafe) let records = buffer.baseAddress!
                if results.count == 1 {
                    body(records, starts[0], starts[1], results[0])
                } else {
                    DispatchQueue.concurrentPerform(iterations: results.count) { run in
                        body(records, starts[run], starts[run + 1], results[run])
                    }
                }
            }
        }
        eachRun { records, start, end, run in
            Self.countBytePairs(records: records, from: start, to: end, into: run)
        }
        // Pair-major, run-minor: pair p's words are flat[offset[p] ..< offset[p + 1]], run 0's first.
        var offsets = [Int](repeating: 0, count: (1 << 16) + 1)
        var totals = [Int64](repeating: 0, count: 1 << 16)
        for pair in 0..<(1 << 16) {
            var next = offsets[pair]
            for run in results {
                totals[pair] += run.weights[pair]
                next += Int(run.holders[pair])
            }
            offsets[pair + 1] = next
        }
        var cursor = offsets
        for run in results {
            run.cursors = cursor
            for pair in 0..<(1 << 16) { cursor[pair] += Int(run.holders[pair]) }
        }
        var counted = CountedPairs()
        counted.words = AdoptedWords(count: offsets[1 << 16])
        nonisolated(unsafe) let list = counted.words.buffer.baseAddress!
        eachRun { records, start, end, run in
            Self.listBytePairWords(records: records, from: start, to: end, into: run, list: list)
        }
        for pair in 0..<(1 << 16) where offsets[pair + 1] > offsets[pair] {
            counted.pairs.append(CountedPair(
                left: UInt32(pair >> 8), right: UInt32(pair & 0xFF), count: totals[pair],
                wordsStart: offsets[pair], wordCount: offsets[pair + 1] - offsets[pair]))
        }
        return counted
    }

    /// Calls `body(pair, word, weight, firstInWord)` for every adjacent byte pair of every
    /// word whose record lies in `start..<end`, in order; `firstInWord` is true the first time
    /// a pair occurs in its word. The walk both passes of `countBytePairsInRuns` share.
    @inline(__always)
    private static func forEachBytePair(
        records: UnsafePointer<UInt32>, from start: Int, to end: Int,
        _ body: (_ pair: Int, _ word: UInt32, _ weight: Int64, _ firstInWord: Bool) -> Void
    ) {
        var lastHolder = [UInt32](repeating: UInt32.max, count: 1 << 16)
        lastHolder.withUnsafeMutableBufferPointer { last in
            var record = start
            while record < end {
                let word = UInt32(truncatingIfNeeded: record)
                let weight = Int64(records[record]) | Int64(records[record + 1]) << 32
                let first = record + headerSize
                let length = Int(records[record + 2])
                var previous = records[first]
                for position in (first + 1)..<(first + length) {
                    let token = records[position]
                    let pair = Int(previous << 8 | token)
                    let firstInWord = last[pair] != word
                    last[pair] = word
                    body(pair, word, weight, firstInWord)
                    previous = token
                }
                record = first + length
            }
        }
    }

    /// Pass 1 of `countBytePairsInRuns` over the records in `start..<end`.
    private static func countBytePairs(records: UnsafePointer<UInt32>, from start: Int, to end: Int, into run: BytePairRun) {
        run.weights.withUnsafeMutableBufferPointer { weights in
            run.holders.withUnsafeMutableBufferPointer { holders in
                forEachBytePair(records: records, from: start, to: end) { pair, _, weight, firstInWord in
                    weights[pair] += weight
                    if firstInWord { holders[pair] += 1 }
                }
            }
        }
    }

    /// Pass 2 of `countBytePairsInRuns`: lists each word of `start..<end` once under each
    /// pair it holds, at the run's cursors into `list`.
    private static func listBytePairWords(
        records: UnsafePointer<UInt32>, from start: Int, to end: Int, into run: BytePairRun,
        list: UnsafeMutablePointer<UInt32>
    ) {
        run.cursors.withUnsafeMutableBufferPointer { cursors in
            forEachBytePair(records: records, from: start, to: end) { pair, word, _, firstInWord in
                if firstInWord {
                    list[cursors[pair]] = word
                    cursors[pair] += 1
                }
            }
        }
    }
}
