import Foundation

/// Which new pairs the merge loop tracks: gives a count, a word list and a heap entry.
///
/// A pair holding a merge's new token has its largest count when that merge creates it;
/// later merges only take occurrences away. And the counts merged only fall from one merge to
/// the next. So a pair created with fewer occurrences than the run's last merge will have can
/// never be chosen, and tracking it is wasted: on mixed-1g's counts at 50,257, 96% of the
/// 2.2 M new pairs are created below the last merge's count (564), and registering them
/// (a map slot, a heap or deferred entry, a list of their words) was most of the merge
/// loop's bookkeeping.
///
/// The last count is not known in advance, so it is predicted from the counts merged so far
/// (`bound`), with a wide margin; new pairs below the bound are not tracked. Should the best
/// tracked pair ever fall below a bound used, untracked pairs might beat it: they are
/// recounted from the words and those above a bound 8 times lower are tracked (the merge
/// loop's `recount`), which may happen again, down to tracking every pair. Either way the
/// merges are exactly those of tracking every pair.
package enum PairTracking: Sendable, Equatable {
    /// Every live pair, as the reference trainer does.
    case every
    /// From the `firstCheckpoint`-th merge on, at each power of two, new pairs below a
    /// prediction of the last merge's count, with a margin, go untracked (`bound`).
    case predicted(firstCheckpoint: Int)
    /// New pairs below `count` go untracked from the first merge (tests: makes recounts
    /// happen).
    case below(Int64)

    /// The default: a prediction from 1,024 merges on (fewer than 5% of the pairs that go
    /// untracked are created before; `BENCHMARKS.md`).
    package static let standard = PairTracking.predicted(firstCheckpoint: 1024)

    /// The count below which pairs created from now on need not be tracked, once `counts`
    /// (every merge learned so far, in order) have been merged of a run of `target` merges
    /// in all; nil to keep the present bound.
    ///
    /// The prediction fits the counts' power law between the last merge and the one halfway
    /// to it (count ≈ c·k^-α) and extends it to `target`. Fitted early, α is too small (the
    /// counts fall faster later), so the prediction is too high, by about (target/k)^0.25 on
    /// mixed-100m and mixed-1g; the bound divides it by 4·(target/k)^0.3 for a margin.
    /// - Complexity: O(1).
    func bound(counts: [Int64], target: Int) -> Int64? {
        switch self {
        case .every:
            return nil
        case .below(let count):
            return counts.isEmpty ? count : nil
        case .predicted(let firstCheckpoint):
            let learned = counts.count
            guard learned >= max(2, firstCheckpoint), learned < target, learned & (learned - 1) == 0 else { return nil }
            let last = Double(counts[learned - 1])
            let halfway = Double(counts[learned / 2 - 1])
            guard last >= 1, halfway >= last else { return nil }
            let exponent = min(4, log2(halfway / last))
            let ahead = Double(target) / Double(learned)
            let predicted = last * pow(ahead, -exponent)
            let margin = 4 * pow(ahead, 0.3)
            return Int64(predicted / margin)
        }
    }
}
