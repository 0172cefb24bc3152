@_spi(Plumbing) import BPECore

/// The merge loop's priority queue of `PairEntry`: a 4-ary max-heap in one array.
///
/// Order (SPEC §4): the higher count is better; among equal counts, by the vocabulary's
/// `TieBreak`: the greater bytes of the left token, then the greater bytes of the right token,
/// as unsigned byte strings (`cs336`), or the smaller (left id, right id) (`rustbpe`). No two
/// entries are equal (one entry per pair), so the order is total and `popMax` returns the
/// same sequence whatever the heap's shape.
///
/// Invariant: no entry is better than its parent (`entries[(i - 1) / 4]`). Four children per
/// node halve the depth of a binary heap, and four 16-byte siblings span at most two cache
/// lines. The shard keeps only its pairs that may be merged soon here (`DeferredPairs` holds
/// the rest), so the heap mostly stays in cache.
struct PairHeap {
    private(set) var entries: [PairEntry] = []
    /// The trainer's vocabulary, which outlives the heap (the trainer owns both), unretained:
    /// the shards' heaps on different cores share it, and a retain and release per comparison
    /// (what an `unowned(unsafe)` reference still costs once passed on) made its reference
    /// count bounce between the cores (7% of the merge loop's samples on mixed-100m's counts).
    /// It is borrowed only to break ties (`isBetter`).
    let vocabulary: Unmanaged<TokenVocabulary>

    /// An empty heap; entries come one at a time (`insert`).
    init(vocabulary: TokenVocabulary) {
        self.vocabulary = Unmanaged.passUnretained(vocabulary)
    }

    var count: Int { entries.count }

    /// The best entry, left in place.
    var top: PairEntry? { entries.first }

    /// The entries in no particular order (for invariant checks).
    var unordered: [PairEntry] { entries }

    /// Whether `a` is merged before `b`.
    @inline(__always)
    func isBetter(_ a: PairEntry, _ b: PairEntry) -> Bool { Self.isBetter(a, b, in: vocabulary) }

    @inline(__always)
    static func isBetter(_ a: PairEntry, _ b: PairEntry, in vocabulary: TokenVocabulary) -> Bool {
        isBetter(a, b, in: Unmanaged.passUnretained(vocabulary))
    }

    @inline(__always)
    static func isBetter(_ a: PairEntry, _ b: PairEntry, in vocabulary: Unmanaged<TokenVocabulary>) -> Bool {
        if a.count != b.count { return a.count > b.count }
        return vocabulary._withUnsafeGuaranteedRef { vocabulary in
            if vocabulary.tieBreak == .smallestIDs {
                return a.left != b.left ? a.left < b.left : a.right < b.right
            }
            let byLeft = vocabulary.compareBytes(a.left, b.left)
            if byLeft != 0 { return byLeft > 0 }
            return vocabulary.compareBytes(a.right, b.right) > 0
        }
    }

    /// - Complexity: O(log₄ count) comparisons.
    mutating func insert(_ entry: PairEntry) {
        entries.append(entry)
        let vocabulary = self.vocabulary
        entries.withUnsafeMutableBufferPointer { heap in
            var index = heap.count - 1
            while index > 0 {
                let parent = (index - 1) / 4
                guard Self.isBetter(entry, heap[parent], in: vocabulary) else { break }
                heap[index] = heap[parent]
                index = parent
            }
            heap[index] = entry
        }
    }

    /// Removes and returns the best entry.
    /// - Complexity: O(4 log₄ count) comparisons.
    mutating func popMax() -> PairEntry? {
        guard let last = entries.popLast() else { return nil }
        guard !entries.isEmpty else { return last }
        let best = entries[0]
        entries[0] = last
        siftDown(from: 0)
        return best
    }

    /// Moves the entry at `start` down until no child is better.
    private mutating func siftDown(from start: Int) {
        let vocabulary = self.vocabulary
        entries.withUnsafeMutableBufferPointer { heap in
            let count = heap.count
            let entry = heap[start]
            var index = start
            while true {
                let first = 4 * index + 1
                if first >= count { break }
                var best = first
                for child in (first + 1)..<min(first + 4, count)
                where Self.isBetter(heap[child], heap[best], in: vocabulary) { best = child }
                guard Self.isBetter(heap[best], entry, in: vocabulary) else { break }
                heap[index] = heap[best]
                index = best
            }
            heap[index] = entry
        }
    }

    /// Checks the heap invariant; traps on the first violation.
    /// - Complexity: O(count).
    func _checkInvariants() {
        for index in entries.indices.dropFirst() {
            precondition(!isBetter(entries[index], entries[(index - 1) / 4]), "heap entry \(index) is better than its parent")
        }
    }
}
