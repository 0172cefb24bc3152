import Dispatch

extension MergeTrainer {
    /// One worker's initial pair counts over a contiguous run of words.
    final class LocalPairs: @unchecked Sendable {
        var map = PairMap()
        var keys: [UInt64] = []
        var counts: [Int64] = []
        /// Words each pair occurs in, ascending, each once.
        var words: [[UInt32]] = []
    }

    /// Counts every pair of every word with the words split into one contiguous run per
    /// worker, then adds the workers' counts and joins their word lists in run order, so the
    /// result is exactly the serial count's (lists ascending, each word once).
    /// - Complexity: O(total tokens / workers) + O(distinct pairs per worker).
    mutating func countInitialPairsInParallel(workers: Int) {
        // Record offsets where the runs start, by walking the headers once.
        var starts = [0]
        let target = words.count / workers
        var record = 0
        while record < words.count {
            if record >= target * starts.count && starts.count < workers { starts.append(record) }
            record += Self.headerSize + Int(words[record + 2])
        }
        starts.append(words.count)
        let bounds = starts
        let runs = bounds.count - 1
        let locals = (0..<runs).map { _ in LocalPairs() }
        words.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let records = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: runs) { run in
                Self.countPairs(records: records, from: bounds[run], to: bounds[run + 1], into: locals[run])
            }
        }
        for local in locals {
            for index in local.keys.indices {
                let key = local.keys[index]
                let id = Int(pairID(UInt32(truncatingIfNeeded: key >> 32), UInt32(truncatingIfNeeded: key)))
                pairCount[id] += local.counts[index]
                if pairWords[id].isEmpty {
                    pairWords[id] = local.words[index]
                } else {
                    pairWords[id].append(contentsOf: local.words[index])
                }
                pairLastWord[id] = pairWords[id].last ?? UInt32.max
            }
            local.words = []
        }
    }

    /// The serial pair count of the words whose records lie in `start..<end`.
    private static func countPairs(
        records: UnsafePointer<UInt32>, from start: Int, to end: Int, into local: LocalPairs
    ) {
        var map = PairMap()
        var keys: [UInt64] = []
        var counts: [Int64] = []
        var lists: [[UInt32]] = []
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
                }
                counts[index] += weight
                if lists[index].last != UInt32(record) { lists[index].append(UInt32(record)) }
            }
            record = first + length
        }
        local.map = map
        local.keys = keys
        local.counts = counts
        local.words = lists
    }
}
