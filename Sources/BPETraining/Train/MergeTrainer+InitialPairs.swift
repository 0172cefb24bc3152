import Dispatch

extension MergeTrainer {
    /// A pair and its initial count, with the words it occurs in (ascending, each once).
    struct CountedPair {
        var left: UInt32
        var right: UInt32
        var count: Int64
        var words: [UInt32]
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
    func countPairsInRuns(_ runs: Int) -> [CountedPair] {
        var bounds = [0]
        let target = max(1, words.count / runs)
        var record = 0
        while record < words.count {
            if record >= target * bounds.count && bounds.count < runs { bounds.append(record) }
            record += Self.headerSize + Int(words[record + 2])
        }
        bounds.append(words.count)
        let starts = bounds
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
        var combined: [CountedPair] = []
        var index = PairMap()
        for run in results {
            for position in run.keys.indices {
                let key = run.keys[position]
                let next = Int32(combined.count)
                let slot = Int(index.id(for: key) { next })
                if slot == combined.count {
                    combined.append(CountedPair(
                        left: UInt32(truncatingIfNeeded: key >> 32), right: UInt32(truncatingIfNeeded: key),
                        count: run.counts[position], words: run.words[position]))
                } else {
                    combined[slot].count += run.counts[position]
                    combined[slot].words.append(contentsOf: run.words[position])
                }
            }
            run.words = []
        }
        return combined
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
