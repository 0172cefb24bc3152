@_spi(Plumbing) import BPECore
import Synchronization

extension MergeTrainer {
    /// Learns up to `mergeCount` merges in all (SPEC §4). `progress` is called with the number
    /// of merges done, every few hundred merges, on the calling thread.
    ///
    /// Every worker thread (`workers`, the caller's included) runs the same loop, in three
    /// steps per merge separated by barriers (`WorkerBarrier`), so no merge waits for a
    /// hand-out:
    /// 1. **Choose** (each worker, the same answer): the best of the shards' published tops
    ///    (`PairShardBox.summit`), or the end. A pair that would rebuild an existing token is
    ///    discarded by its shard's owner instead, between two barriers, and all choose again.
    /// 2. **Rewrite**: the words listed for the pair, in ranges that the workers take in
    ///    turn from a shared counter, each a share of what is left and at least `blockWords`
    ///    (a list of one block is the last worker's), each worker recording the count
    ///    changes in its own scratch (`MergeScratch`).
    ///    Worker 0 also appends the new token, once every worker is past its choice (the
    ///    only step that reads the vocabulary while no one may write it).
    /// 3. **Absorb**: each worker adds up every rewriting scratch's changes to the shards it
    ///    owns (shard i is worker i mod threads'), settles their tops and publishes them
    ///    (`PairShard.absorb`).
    ///
    /// Counts are sums and the workers rewrite disjoint words, so the merges are the same for
    /// any number of workers and shards and any schedule (word lists hold the same words, in
    /// an order that depends on the schedule, which nothing reads).
    /// - Complexity: per merge, O(log heap) per entry popped plus the length of the words
    ///   that held the pair, divided among the workers, plus O(shards) to choose.
    mutating func learn(mergeCount: Int, progress: ((Int) -> Void)? = nil) {
        // Capped: a huge requested size must not reserve memory for merges that cannot happen.
        merges.reserveCapacity(min(mergeCount, max(1024, shards.reduce(0) { $0 + $1.shard.heap.count + $1.shard.deferred.count })))
        guard merges.count < mergeCount, !words.isEmpty else {
            progress?(merges.count)
            return
        }
        // About as many pairs are registered over a run as half the distinct words (0.75 M
        // for mixed-100m's 0.73 M words at 50,000 merges, 2.25 M for mixed-1g's 3.29 M; 0.97 M
        // and 3.31 M at 200,000), and rarely more than 64 a merge: room for that spares the
        // maps most of their doublings, each a copy into fresh memory on one shard's absorb
        // while the other workers wait.
        // (Any merge count may be asked for: 64 of them for each would overflow.)
        let remaining = mergeCount - merges.count
        var expectedPairs = min(wordTotal / 2, remaining > wordTotal / 64 ? wordTotal : 64 * remaining) / shards.count
        // Most new pairs go untracked (`PairTracking`): about a fifth of them are registered
        // on mixed-1g's counts.
        if pairTracking != .every { expectedPairs /= 4 }
        // The merges of this trainer's run so far and to come, a base's left out.
        let target = mergeCount - (merges.count - mergeCounts.count)
        if let bound = pairTracking.bound(counts: mergeCounts, target: target) {
            trackFrom = max(threshold, bound)
            untrackedBelow = max(untrackedBelow, trackFrom)
        }
        let loop = Loop(
            shards: shards, scratches: scratches, vocabulary: vocabulary, threshold: threshold,
            maxTokenLength: maxTokenLength, blockWords: blockWords, mergeCount: mergeCount,
            done: merges.count, expectedPairs: expectedPairs, progress: progress,
            tracking: pairTracking, target: target, trackFrom: trackFrom, untrackedBelow: untrackedBelow,
            mergeCounts: mergeCounts, recordStarts: recordStarts)
        let workers = self.workers
        words.withUnsafeMutableBufferPointer { buffer in
            // Workers write disjoint words and read the rest.
            nonisolated(unsafe) let records = buffer.baseAddress!
            workers.run(shares: scratches.count) { worker in loop.run(worker: worker, records: records) }
        }
        merges.append(contentsOf: loop.learned)
        mergeCounts = loop.mergeCounts
        pairTracking = loop.tracking
        trackFrom = loop.trackFrom
        untrackedBelow = loop.untrackedBelow
        recounts += loop.recounts
        progress?(merges.count)
    }

    /// The state the merge loop's workers share for one call of `learn` (see there).
    ///
    /// `@unchecked Sendable`: `learned`, `mergeCounts`, the tracking state and the vocabulary
    /// are written by worker 0 alone, in the rewrite step, after every worker is past its
    /// choice (`chosen`), or in a recount's last step; the other workers read the vocabulary
    /// in the choose and absorb steps, `untrackedBelow` in the choose step and `trackFrom`
    /// in the absorb, each after a barrier.
    private final class Loop: @unchecked Sendable {
        let shards: [PairShardBox]
        let scratches: [MergeScratch]
        let vocabulary: TokenVocabulary
        let threshold: Int64
        let maxTokenLength: Int
        let blockWords: Int
        let mergeCount: Int
        /// Merges done before this call.
        let done: Int
        /// Pairs each shard is expected to register in this call (`learn`).
        let expectedPairs: Int
        let progress: ((Int) -> Void)?
        /// The merges learned in this call, appended by worker 0.
        var learned: [Merge] = []
        /// Which new pairs are tracked; `.below` the bound a recount set, after one.
        var tracking: PairTracking
        /// The merges of the trainer's run so far and to come (`PairTracking.bound`).
        let target: Int
        /// See `MergeTrainer.trackFrom`, `untrackedBelow` and `mergeCounts`.
        var trackFrom: Int64
        var untrackedBelow: Int64
        var mergeCounts: [Int64]
        /// Every word's record start, for a recount.
        let recordStarts: [UInt32]
        /// A recount's candidates, by shard, and each worker's count of them (`recount`);
        /// empty otherwise.
        let candidates: [RecountCandidates]
        let counted: [CandidateCounts]
        /// Recounts in this call.
        var recounts = 0
        /// How far a recount lowers the bound.
        static let recountStep: Int64 = 8
        /// Separates the steps.
        let barrier: WorkerBarrier
        /// Every worker arrives once it has chosen (no wait): worker 0 waits for all before
        /// it appends the new token.
        let chosen: WorkerBarrier
        /// The next word of a merge's list to take, one counter for odd merges and one for
        /// even ones: worker 0 resets the other merge's counter while no one uses it.
        let nextWord = [AtomicCounter(), AtomicCounter()]
        /// `shards`, `scratches` and `nextWord` without reference counting: both workers read
        /// them every merge, and a retain and release of a shared object (one atomic write to
        /// its header each) would move the header's cache line between the cores every time.
        /// `self` holds every one of them for as long as these are used.
        private let shardRefs: [Unmanaged<PairShardBox>]
        private let scratchRefs: [Unmanaged<MergeScratch>]
        private let nextWordRefs: [Unmanaged<AtomicCounter>]

        init(
            shards: [PairShardBox], scratches: [MergeScratch], vocabulary: TokenVocabulary, threshold: Int64,
            maxTokenLength: Int, blockWords: Int, mergeCount: Int, done: Int, expectedPairs: Int,
            progress: ((Int) -> Void)?, tracking: PairTracking, target: Int, trackFrom: Int64,
            untrackedBelow: Int64, mergeCounts: [Int64], recordStarts: [UInt32]
        ) {
            self.shards = shards
            self.scratches = scratches
            self.vocabulary = vocabulary
            self.threshold = threshold
            self.maxTokenLength = maxTokenLength
            self.blockWords = blockWords
            self.mergeCount = mergeCount
            self.done = done
            self.expectedPairs = expectedPairs
            self.progress = progress
            self.tracking = tracking
            self.target = target
            self.trackFrom = trackFrom
            self.untrackedBelow = untrackedBelow
            self.mergeCounts = mergeCounts
            self.recordStarts = recordStarts
            candidates = shards.map { _ in RecountCandidates() }
            counted = scratches.map { _ in CandidateCounts() }
            barrier = WorkerBarrier(threads: scratches.count)
            chosen = WorkerBarrier(threads: scratches.count)
            shardRefs = shards.map { Unmanaged.passUnretained($0) }
            scratchRefs = scratches.map { Unmanaged.passUnretained($0) }
            nextWordRefs = nextWord.map { Unmanaged.passUnretained($0) }
        }

        /// The best of the shards' published tops, and its shard; nil when no shard has one.
        /// - Complexity: O(shards).
        private func bestTop() -> (shard: Int, summit: PairShardBox.Summit)? {
            var best: (shard: Int, summit: PairShardBox.Summit)?
            for index in shardRefs.indices {
                let summit = shardRefs[index]._withUnsafeGuaranteedRef { $0.summit }
                guard let top = summit.top else { continue }
                if best == nil || PairHeap.isBetter(top, best!.summit.top!, in: vocabulary) { best = (index, summit) }
            }
            return best
        }

        /// One worker's loop (see `learn`): returns when every worker has seen the end.
        func run(worker: Int, records: UnsafeMutablePointer<UInt32>) {
            let threads = scratches.count
            let scratch = scratches[worker]
            var pass = WorkerBarrier.Pass()
            var chosenPass = WorkerBarrier.Pass()
            // Each worker makes room in its own shards, all at once.
            for shard in stride(from: worker, to: shards.count, by: threads) {
                shards[shard].shard.reserve(pairs: shards[shard].shard.counts.count + expectedPairs)
                shards[shard].publish()
            }
            barrier.wait(&pass)
            // Reused from merge to merge (no allocation per merge).
            var changes: [MergeScratch.State.ShardChanges] = []
            changes.reserveCapacity(threads)
            var merged: [UInt8] = []
            var count = done
            var sequence = 0
            while count < mergeCount {
                // Choose. Every shard is settled and published (before the loop, or by the
                // previous absorb), and nobody writes a shard or the vocabulary now.
                let best = bestTop()
                // Below `untrackedBelow` an untracked pair might be better than the best tracked one.
                if untrackedBelow > threshold && (best?.summit.top?.count ?? 0) < untrackedBelow {
                    recount(worker: worker, records: records, pass: &pass)
                    continue
                }
                guard let (index, summit) = best, let top = summit.top, top.count >= threshold else { break }
                // A pair that would rebuild an existing token is never chosen; it never will be.
                if vocabulary.containsConcatenation(top.left, top.right, joined: &merged) {
                    // Once every worker has chosen (and read the summits), the owner discards
                    // the pair; once it has published the shard's next top, all choose again.
                    barrier.wait(&pass)
                    if index % threads == worker {
                        shards[index].shard.discardTop(threshold: threshold)
                        shards[index].publish()
                    }
                    barrier.wait(&pass)
                    continue
                }
                let newToken = UInt32(vocabulary.count)
                chosen.arrive(&chosenPass)

                // Rewrite.
                let listed = summit.words
                let blocks = (listed.count + blockWords - 1) / blockWords
                // One worker alone rewrites a list of one block as one range: the last one,
                // since worker 0 appends the token (and always the same one, so that only its
                // scratch grows to the largest one-block merge's size).
                let sole = blocks <= 1 || threads == 1 ? threads - 1 : nil
                let nextWord = nextWordRefs[sequence & 1]
                if sole == nil || sole == worker {
                    scratch.state.reset(vocabularySize: Int(newToken) + 1, shards: shards.count)
                    var taken = false
                    MergeTrainer.rewriteBlocks(
                        of: listed, in: records, left: top.left, right: top.right, newToken: newToken,
                        shards: shards.count, scratch: scratch
                    ) {
                        if sole != nil {
                            defer { taken = true }
                            return taken ? nil : 0..<listed.count
                        }
                        // Guided: a share of what is left, down to a block, so that a long list
                        // takes few turns at the shared counter and the last ones are small.
                        var start = nextWord._withUnsafeGuaranteedRef { $0.value.load(ordering: .relaxed) }
                        while start < listed.count {
                            let size = max(blockWords, (listed.count - start) / (2 * threads))
                            let (claimed, current) = nextWord._withUnsafeGuaranteedRef {
                                $0.value.compareExchange(expected: start, desired: start + size, ordering: .relaxed)
                            }
                            if claimed { return start..<min(listed.count, start + size) }
                            start = current
                        }
                        return nil
                    }
                }
                if worker == 0 {
                    // Nobody reads the vocabulary between their choice and the barrier.
                    chosen.waitForAll(chosenPass)
                    let appended = vocabulary.append(merged)
                    assert(appended == newToken, "the new token's id changed")
                    learned.append(Merge(top.left, top.right))
                    mergeCounts.append(top.count)
                    if let bound = tracking.bound(counts: mergeCounts, target: target) {
                        trackFrom = max(threshold, bound)
                        untrackedBelow = max(untrackedBelow, trackFrom)
                    }
                }
                barrier.wait(&pass)

                // Absorb: this worker's shards.
                for shard in stride(from: worker, to: shards.count, by: threads) {
                    changes.removeAll(keepingCapacity: true)
                    if let sole {
                        changes.append(scratchRefs[sole]._withUnsafeGuaranteedRef { $0.state.changes(shard: shard) })
                    } else {
                        for rewriter in scratchRefs {
                            changes.append(rewriter._withUnsafeGuaranteedRef { $0.state.changes(shard: shard) })
                        }
                    }
                    absorb(
                        into: shard, merged: PairShard.Merged(
                            left: top.left, right: top.right, newToken: newToken,
                            id: shard == index ? summit.id : -1),
                        changes: changes, vocabularySize: Int(newToken) + 1)
                }
                count += 1
                sequence += 1
                if worker == 0 {
                    // The other merges' counter is idle until the barrier below.
                    nextWordRefs[sequence & 1]._withUnsafeGuaranteedRef { $0.value.store(0, ordering: .relaxed) }
                    if let progress, count % 256 == 0 { progress(count) }
                }
                barrier.wait(&pass)
            }
        }

        /// Shard `index` absorbs the merge (`PairShard.absorb`) and publishes its new top. New
        /// pairs below `trackFrom` are not registered.
        private func absorb(
            into index: Int, merged: PairShard.Merged, changes: [MergeScratch.State.ShardChanges],
            vocabularySize: Int
        ) {
            let threshold = self.threshold
            let trackFrom = self.trackFrom
            let maxTokenLength = self.maxTokenLength
            let vocabulary = self.vocabulary
            shardRefs[index]._withUnsafeGuaranteedRef { box in
                box.shard.absorb(
                    merged, changes: changes, vocabularySize: vocabularySize, threshold: threshold, trackFrom: trackFrom
                ) { left, right, count in
                    MergeTrainer.isLive(left, right, count: count, threshold: threshold, maxTokenLength: maxTokenLength,
                                        vocabulary: vocabulary)
                }
                box.publish()
            }
        }

        /// Tracks more pairs (all workers, between choices), once the best tracked pair is
        /// below `untrackedBelow`: the untracked pairs that may reach `untrackedBelow /
        /// recountStep` are recounted from the words, and those that do are registered (see
        /// `RecountCandidates` for the steps). That is the new bound, for new pairs too (no
        /// more predictions): should the best pair fall below it as well, the next recount
        /// lowers it again, down to `threshold`, where every pair is tracked. (Registering
        /// every pair at once took 2.7 s more and 580 MiB on mixed-1g's counts, most of them
        /// pairs counted a few times.)
        /// - Complexity: O(total tokens / workers) expected, plus the candidates' words.
        private func recount(worker: Int, records: UnsafeMutablePointer<UInt32>, pass: inout WorkerBarrier.Pass) {
            let threads = scratches.count
            // Read before worker 0 lowers it (below).
            let lowered = max(threshold, untrackedBelow / Self.recountStep)
            // Every worker has read the summits; each owner takes its shards' candidates.
            barrier.wait(&pass)
            for shard in stride(from: worker, to: shards.count, by: threads) {
                shards[shard].shard.takeUntracked(atLeast: lowered, into: candidates[shard])
            }
            barrier.wait(&pass)
            let words = recordStarts.count
            recordStarts.withUnsafeBufferPointer { starts in
                let share = UnsafeBufferPointer(rebasing: starts[words * worker / threads ..< words * (worker + 1) / threads])
                MergeTrainer.countCandidates(records: records, starts: share, candidates: candidates, into: counted[worker])
            }
            barrier.wait(&pass)
            for shard in stride(from: worker, to: shards.count, by: threads) {
                shards[shard].shard.registerRecounted(
                    candidates[shard], counted: counted, shard: shard, bound: lowered, threshold: threshold)
                shards[shard].publish()
            }
            if worker == 0 {
                recounts += 1
                tracking = .below(lowered)
                trackFrom = lowered
                untrackedBelow = lowered
            }
            barrier.wait(&pass)
            // Nobody reads the counts any more.
            counted[worker].counts = []
            counted[worker].lists = []
        }
    }
}

/// A counter the workers of one merge share: they take the ranges of the merge's list with it.
private final class AtomicCounter: Sendable {
    let value = Atomic<Int>(0)
}
